namespace SignalReplay.Abstractions;

/// <summary>
/// How a <see cref="PortfolioResult"/> travels from a shard to its coordinator, every number bit for bit:
/// the metrics in <see cref="PerformanceMetrics.Names"/> order, and the trades, events and day-end equity
/// when the portfolio kept them.
/// </summary>
[GenerateSerializer, Alias("signalreplay.portfolio-result")]
public struct PortfolioResultSurrogate
{
    [Id(0)] public string PortfolioId;
    [Id(1)] public double[] Metrics;
    [Id(2)] public ClosedTrade[] Trades;
    [Id(3)] public OpenPosition[] OpenPositions;
    [Id(4)] public TraceEvent[] Events;
    [Id(5)] public long[] EquityTime;
    [Id(6)] public double[] Equity;
    [Id(7)] public double FinalEquity;
    [Id(8)] public int BoundaryTrades;
    [Id(9)] public int RiskRejects;
}

[RegisterConverter]
public sealed class PortfolioResultConverter : IConverter<PortfolioResult, PortfolioResultSurrogate>
{
    public PortfolioResult ConvertFromSurrogate(in PortfolioResultSurrogate s)
    {
        return new PortfolioResult(
            s.PortfolioId,
            PerformanceMetrics.FromValues(s.Metrics),
            s.Trades,
            s.OpenPositions,
            s.Events,
            s.EquityTime,
            s.Equity,
            s.FinalEquity,
            s.BoundaryTrades,
            s.RiskRejects);
    }

    public PortfolioResultSurrogate ConvertToSurrogate(in PortfolioResult value)
    {
        var metrics = value.Metrics;
        return new PortfolioResultSurrogate
        {
            PortfolioId = value.PortfolioId,
            Metrics = [.. PerformanceMetrics.Names.Select(metrics.Get)],
            Trades = [.. value.Trades],
            OpenPositions = [.. value.OpenPositions],
            Events = [.. value.Events],
            EquityTime = value.EquityTime,
            Equity = value.Equity,
            FinalEquity = value.FinalEquity,
            BoundaryTrades = value.BoundaryTrades,
            RiskRejects = value.RiskRejects,
        };
    }
}

/// <summary>A <see cref="ClosedTrade"/> on the wire.</summary>
[GenerateSerializer, Alias("signalreplay.trade")]
public struct ClosedTradeSurrogate
{
    [Id(0)] public string Symbol;
    [Id(1)] public long EntryTime;
    [Id(2)] public long ExitTime;
    [Id(3)] public double Quantity;
    [Id(4)] public double EntryPrice;
    [Id(5)] public double ExitPrice;
    [Id(6)] public double Pnl;
    [Id(7)] public string? RegimeAtOpen;
    [Id(8)] public string? RegimeAtClose;
}

[RegisterConverter]
public sealed class ClosedTradeConverter : IConverter<ClosedTrade, ClosedTradeSurrogate>
{
    public ClosedTrade ConvertFromSurrogate(in ClosedTradeSurrogate s) =>
        new(s.Symbol, s.EntryTime, s.ExitTime, s.Quantity, s.EntryPrice, s.ExitPrice, s.Pnl) { RegimeAtOpen = s.RegimeAtOpen, RegimeAtClose = s.RegimeAtClose };

    public ClosedTradeSurrogate ConvertToSurrogate(in ClosedTrade value) => new()
    {
        Symbol = value.Symbol,
        EntryTime = value.EntryTime,
        ExitTime = value.ExitTime,
        Quantity = value.Quantity,
        EntryPrice = value.EntryPrice,
        ExitPrice = value.ExitPrice,
        Pnl = value.Pnl,
        RegimeAtOpen = value.RegimeAtOpen,
        RegimeAtClose = value.RegimeAtClose,
    };
}

/// <summary>An <see cref="OpenPosition"/> on the wire.</summary>
[GenerateSerializer, Alias("signalreplay.open-position")]
public struct OpenPositionSurrogate
{
    [Id(0)] public string Symbol;
    [Id(1)] public double Quantity;
    [Id(2)] public double AverageEntry;
    [Id(3)] public double Mark;
}

[RegisterConverter]
public sealed class OpenPositionConverter : IConverter<OpenPosition, OpenPositionSurrogate>
{
    public OpenPosition ConvertFromSurrogate(in OpenPositionSurrogate s) => new(s.Symbol, s.Quantity, s.AverageEntry, s.Mark);

    public OpenPositionSurrogate ConvertToSurrogate(in OpenPosition value) =>
        new() { Symbol = value.Symbol, Quantity = value.Quantity, AverageEntry = value.AverageEntry, Mark = value.Mark };
}

/// <summary>A <see cref="TraceEvent"/> on the wire.</summary>
[GenerateSerializer, Alias("signalreplay.trace-event")]
public struct TraceEventSurrogate
{
    [Id(0)] public string Kind;
    [Id(1)] public long Time;
    [Id(2)] public string Symbol;
    [Id(3)] public double Quantity;
    [Id(4)] public double Price;
    [Id(5)] public string? Detail;
}

[RegisterConverter]
public sealed class TraceEventConverter : IConverter<TraceEvent, TraceEventSurrogate>
{
    public TraceEvent ConvertFromSurrogate(in TraceEventSurrogate s) => new(s.Kind, s.Time, s.Symbol, s.Quantity, s.Price, s.Detail);

    public TraceEventSurrogate ConvertToSurrogate(in TraceEvent value) =>
        new() { Kind = value.Kind, Time = value.Time, Symbol = value.Symbol, Quantity = value.Quantity, Price = value.Price, Detail = value.Detail };
}

/// <summary>How the spread of a run's Sharpes travels from its replay to the sequencer, and lives in the sequencer's state.</summary>
[GenerateSerializer, Alias("signalreplay.sharpe-spread")]
public struct SharpeSpreadSurrogate
{
    [Id(0)] public int Count;
    [Id(1)] public double Mean;
    [Id(2)] public double SquaredDeviations;
}

[RegisterConverter]
public sealed class SharpeSpreadConverter : IConverter<SharpeSpread, SharpeSpreadSurrogate>
{
    public SharpeSpread ConvertFromSurrogate(in SharpeSpreadSurrogate s) => new(s.Count, s.Mean, s.SquaredDeviations);

    public SharpeSpreadSurrogate ConvertToSurrogate(in SharpeSpread value) =>
        new() { Count = value.Count, Mean = value.Mean, SquaredDeviations = value.SquaredDeviations };
}

/// <summary>A phase's choice's daily-return moments, in the sequencer's state.</summary>
[GenerateSerializer, Alias("signalreplay.sharpe-moments")]
public struct SharpeMomentsSurrogate
{
    [Id(0)] public double Sharpe;
    [Id(1)] public double Skewness;
    [Id(2)] public double Kurtosis;
    [Id(3)] public int Observations;
}

[RegisterConverter]
public sealed class SharpeMomentsConverter : IConverter<SharpeMoments, SharpeMomentsSurrogate>
{
    public SharpeMoments ConvertFromSurrogate(in SharpeMomentsSurrogate s) => new(s.Sharpe, s.Skewness, s.Kurtosis, s.Observations);

    public SharpeMomentsSurrogate ConvertToSurrogate(in SharpeMoments value) =>
        new() { Sharpe = value.Sharpe, Skewness = value.Skewness, Kurtosis = value.Kurtosis, Observations = value.Observations };
}

/// <summary>A grid phase's PBO estimate, in the sequencer's state.</summary>
[GenerateSerializer, Alias("signalreplay.overfitting-estimate")]
public struct OverfittingEstimateSurrogate
{
    [Id(0)] public double Probability;
    [Id(1)] public int Trials;
    [Id(2)] public int Partitions;
    [Id(3)] public string? WhyNot;
}

[RegisterConverter]
public sealed class OverfittingEstimateConverter : IConverter<OverfittingEstimate, OverfittingEstimateSurrogate>
{
    public OverfittingEstimate ConvertFromSurrogate(in OverfittingEstimateSurrogate s) => new(s.Probability, s.Trials, s.Partitions, s.WhyNot);

    public OverfittingEstimateSurrogate ConvertToSurrogate(in OverfittingEstimate value) =>
        new() { Probability = value.Probability, Trials = value.Trials, Partitions = value.Partitions, WhyNot = value.WhyNot };
}
