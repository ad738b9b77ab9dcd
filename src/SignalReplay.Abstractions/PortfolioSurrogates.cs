namespace SignalReplay.Abstractions;

/// <summary>
/// How a <see cref="PortfolioConfig"/> travels between grains and is kept in grain state. The layout is the
/// one runs have persisted since version 1 (alias and field ids unchanged), so a run saved by an older
/// build resumes with this one.
/// </summary>
[GenerateSerializer, Alias("signalreplay.portfolio")]
public struct PortfolioConfigSurrogate
{
    [Id(0)] public string Id;
    [Id(1)] public StrategyAssignment[] Assignments;
    [Id(2)] public string Sizing;
    [Id(3)] public double SizingValue;
    [Id(4)] public bool WholeUnits;
    [Id(5)] public string FillTiming;
    [Id(6)] public double CommissionBps;
    [Id(7)] public double CommissionPerUnit;
    [Id(8)] public double SlippageBps;
    [Id(9)] public double? MaxPositionFraction;
    [Id(10)] public double? MaxGrossExposure;
    [Id(11)] public double? StopLoss;
    [Id(12)] public double? TakeProfit;
    [Id(13)] public double? MaxDrawdownHalt;
    [Id(14)] public string? RegimeClassifier;
    [Id(15)] public string[] AllowedRegimes;
    [Id(16)] public string OnRegimeExit;
    [Id(17)] public double StartingCash;
    [Id(18)] public string Tracing;
    [Id(19)] public int VolatilityLookback;
    [Id(20)] public long? WindowFrom;
    [Id(21)] public long? WindowTo;
}

[RegisterConverter]
public sealed class PortfolioConfigConverter : IConverter<PortfolioConfig, PortfolioConfigSurrogate>
{
    public PortfolioConfig ConvertFromSurrogate(in PortfolioConfigSurrogate s) => new PortfolioConfig(
        s.Id,
        s.Assignments,
        WireNames.Sizing(s.Id, s.Sizing, s.SizingValue, s.WholeUnits),
        new ExecutionModel(WireNames.Fill(s.Id, s.FillTiming), s.CommissionBps, s.CommissionPerUnit, s.SlippageBps),
        new RiskLimits(s.MaxPositionFraction, s.MaxGrossExposure, s.StopLoss, s.TakeProfit, s.MaxDrawdownHalt),
        WireNames.Filter(s.Id, s.RegimeClassifier, s.AllowedRegimes, s.OnRegimeExit),
        s.StartingCash,
        WireNames.Tracing(s.Id, s.Tracing),
        s.VolatilityLookback,
        s.WindowFrom is { } from && s.WindowTo is { } to ? new TradingWindow(from, to) : null).Validate();

    public PortfolioConfigSurrogate ConvertToSurrogate(in PortfolioConfig value)
    {
        var (sizing, sizingValue) = WireNames.Of(value.Sizing);
        return new PortfolioConfigSurrogate
        {
            Id = value.Id,
            Assignments = [.. value.Assignments],
            Sizing = sizing,
            SizingValue = sizingValue,
            WholeUnits = value.Sizing.WholeUnits,
            FillTiming = WireNames.Of(value.Execution.Timing),
            CommissionBps = value.Execution.CommissionBps,
            CommissionPerUnit = value.Execution.CommissionPerUnit,
            SlippageBps = value.Execution.SlippageBps,
            MaxPositionFraction = value.Risk.MaxPositionFraction,
            MaxGrossExposure = value.Risk.MaxGrossExposure,
            StopLoss = value.Risk.StopLoss,
            TakeProfit = value.Risk.TakeProfit,
            MaxDrawdownHalt = value.Risk.MaxDrawdownHalt,
            RegimeClassifier = value.RegimeFilter?.Classifier,
            AllowedRegimes = value.RegimeFilter is { } filter ? [.. filter.Allowed.Order(StringComparer.Ordinal)] : [],
            OnRegimeExit = value.RegimeFilter?.OnExit == RegimeExit.Close ? "close" : "hold",
            StartingCash = value.StartingCash,
            Tracing = WireNames.Of(value.Tracing),
            VolatilityLookback = value.VolatilityLookback,
            WindowFrom = value.Window?.From,
            WindowTo = value.Window?.To,
        };
    }
}

/// <summary>A <see cref="StrategyAssignment"/> on the wire (the version 1 layout).</summary>
[GenerateSerializer, Alias("signalreplay.assignment")]
public struct StrategyAssignmentSurrogate
{
    [Id(0)] public string StrategyInstance;
    [Id(1)] public string Series;
    [Id(2)] public double Weight;

    /// <summary>The strategy's own regimes, sorted; null when it trades in every regime its portfolio allows.</summary>
    [Id(3)] public string[]? Regimes;
}

[RegisterConverter]
public sealed class StrategyAssignmentConverter : IConverter<StrategyAssignment, StrategyAssignmentSurrogate>
{
    public StrategyAssignment ConvertFromSurrogate(in StrategyAssignmentSurrogate s) =>
        new(s.StrategyInstance, SeriesId.Parse(s.Series), s.Weight, s.Regimes?.ToHashSet(StringComparer.Ordinal));

    public StrategyAssignmentSurrogate ConvertToSurrogate(in StrategyAssignment value) => new()
    {
        StrategyInstance = value.StrategyInstance,
        Series = value.Series.ToString(),
        Weight = value.Weight,
        Regimes = value.Regimes is { } regimes ? [.. regimes.Order(StringComparer.Ordinal)] : null,
    };
}

/// <summary>An <see cref="Ensemble"/> on the wire.</summary>
[GenerateSerializer, Alias("signalreplay.ensemble")]
public struct EnsembleSurrogate
{
    [Id(0)] public string Name;
    [Id(1)] public StrategyAssignment[] Assignments;
    [Id(2)] public string? RegimeClassifier;
    [Id(3)] public string[] AllowedRegimes;
    [Id(4)] public string OnRegimeExit;
}

[RegisterConverter]
public sealed class EnsembleConverter : IConverter<Ensemble, EnsembleSurrogate>
{
    public Ensemble ConvertFromSurrogate(in EnsembleSurrogate s) => new(
        s.Name,
        s.Assignments,
        WireNames.Filter(s.Name, s.RegimeClassifier, s.AllowedRegimes, s.OnRegimeExit));

    public EnsembleSurrogate ConvertToSurrogate(in Ensemble value) => new()
    {
        Name = value.Name,
        Assignments = [.. value.Assignments],
        RegimeClassifier = value.RegimeFilter?.Classifier,
        AllowedRegimes = value.RegimeFilter is { } filter ? [.. filter.Allowed.Order(StringComparer.Ordinal)] : [],
        OnRegimeExit = value.RegimeFilter?.OnExit == RegimeExit.Close ? "close" : "hold",
    };
}

/// <summary>
/// A <see cref="GridPortfolios"/> on the wire: the strategies and every alternative of each dimension, a few
/// hundred bytes for a grid of any size; shards expand their own index ranges.
/// </summary>
[GenerateSerializer, Alias("signalreplay.grid-portfolios")]
public struct GridPortfoliosSurrogate
{
    [Id(0)] public StrategyAssignment[] Strategies;
    [Id(1)] public string[] Sizing;
    [Id(2)] public double[] SizingValue;
    [Id(3)] public bool[] WholeUnits;
    [Id(4)] public ExecutionModel[] Execution;
    [Id(5)] public double?[] StopLoss;
    [Id(6)] public double?[] TakeProfit;
    [Id(7)] public double?[] MaxPositionFraction;
    [Id(8)] public double?[] MaxGrossExposure;
    [Id(9)] public double?[] MaxDrawdownHalt;
    [Id(10)] public double StartingCash;
    [Id(11)] public int VolatilityLookback;
    [Id(12)] public string Tracing;
    [Id(13)] public long? WindowFrom;
    [Id(14)] public long? WindowTo;

    /// <summary>The ensembles after the single strategies; null on a grid of single strategies.</summary>
    [Id(15)] public Ensemble[]? Ensembles;
}

[RegisterConverter]
public sealed class GridPortfoliosConverter : IConverter<GridPortfolios, GridPortfoliosSurrogate>
{
    public GridPortfolios ConvertFromSurrogate(in GridPortfoliosSurrogate s)
    {
        var (sizing, value, whole) = (s.Sizing, s.SizingValue, s.WholeUnits);
        var grid = new PortfolioGrid(
            [.. Enumerable.Range(0, sizing.Length).Select(i => WireNames.Sizing("grid", sizing[i], value[i], whole[i]))],
            s.Execution,
            s.StopLoss,
            s.TakeProfit,
            s.MaxPositionFraction,
            s.MaxGrossExposure,
            s.MaxDrawdownHalt,
            s.StartingCash,
            s.VolatilityLookback);
        return new GridPortfolios(
            s.Strategies, grid, WireNames.Tracing("grid", s.Tracing), s.WindowFrom is { } from && s.WindowTo is { } to ? new TradingWindow(from, to) : null)
        {
            Ensembles = s.Ensembles ?? [],
        };
    }

    public GridPortfoliosSurrogate ConvertToSurrogate(in GridPortfolios value)
    {
        var sizings = value.Grid.Sizing.Select(WireNames.Of).ToArray();
        return new GridPortfoliosSurrogate
        {
            Strategies = [.. value.Strategies],
            Ensembles = value.Ensembles.Count == 0 ? null : [.. value.Ensembles],
            Sizing = [.. sizings.Select(s => s.Name)],
            SizingValue = [.. sizings.Select(s => s.Value)],
            WholeUnits = [.. value.Grid.Sizing.Select(s => s.WholeUnits)],
            Execution = [.. value.Grid.Execution],
            StopLoss = [.. value.Grid.StopLoss],
            TakeProfit = [.. value.Grid.TakeProfit],
            MaxPositionFraction = [.. value.Grid.MaxPositionFraction],
            MaxGrossExposure = [.. value.Grid.MaxGrossExposure],
            MaxDrawdownHalt = [.. value.Grid.MaxDrawdownHalt],
            StartingCash = value.Grid.StartingCash,
            VolatilityLookback = value.Grid.VolatilityLookback,
            Tracing = WireNames.Of(value.Tracing),
            WindowFrom = value.Window?.From,
            WindowTo = value.Window?.To,
        };
    }
}

/// <summary>An <see cref="ExecutionModel"/> on the wire.</summary>
[GenerateSerializer, Alias("signalreplay.execution")]
public struct ExecutionModelSurrogate
{
    [Id(0)] public string Fill;
    [Id(1)] public double CommissionBps;
    [Id(2)] public double CommissionPerUnit;
    [Id(3)] public double SlippageBps;
}

[RegisterConverter]
public sealed class ExecutionModelConverter : IConverter<ExecutionModel, ExecutionModelSurrogate>
{
    public ExecutionModel ConvertFromSurrogate(in ExecutionModelSurrogate s) =>
        new(WireNames.Fill("execution", s.Fill), s.CommissionBps, s.CommissionPerUnit, s.SlippageBps);

    public ExecutionModelSurrogate ConvertToSurrogate(in ExecutionModel value) => new()
    {
        Fill = WireNames.Of(value.Timing),
        CommissionBps = value.CommissionBps,
        CommissionPerUnit = value.CommissionPerUnit,
        SlippageBps = value.SlippageBps,
    };
}

/// <summary>The names the wire (and the results layout) gives the portfolio enums and sizings; an unknown name is refused by field.</summary>
internal static class WireNames
{
    /// <summary>A regime filter from its wire fields; none without a classifier.</summary>
    public static RegimeFilter? Filter(string portfolio, string? classifier, string[] allowed, string exit) =>
        classifier is null ? null : new RegimeFilter(classifier, allowed.ToHashSet(StringComparer.Ordinal), Exit(portfolio, exit));

    public static (string Name, double Value) Of(Sizing sizing) => sizing switch
    {
        FixedFractionSizing f => ("fixed_fraction", f.Fraction),
        FixedQuantitySizing q => ("fixed_quantity", q.Units),
        VolatilityTargetSizing v => ("volatility_target", v.TargetBarVolatility),
        _ => throw new ArgumentException($"Sizing {sizing} has no wire form."),
    };

    public static Sizing Sizing(string portfolio, string name, double value, bool wholeUnits) => (name switch
    {
        "fixed_fraction" => (Sizing)new FixedFractionSizing(value),
        "fixed_quantity" => new FixedQuantitySizing(value),
        "volatility_target" => new VolatilityTargetSizing(value),
        _ => throw new ArgumentException($"Portfolio '{portfolio}': sizing '{name}' is not fixed_fraction, fixed_quantity or volatility_target."),
    }) with { WholeUnits = wholeUnits };

    public static string Of(FillTiming timing) => timing == FillTiming.NextOpen ? "next_open" : "signal_close";

    public static FillTiming Fill(string portfolio, string name) => name switch
    {
        "next_open" => FillTiming.NextOpen,
        "signal_close" => FillTiming.SignalClose,
        _ => throw new ArgumentException($"Portfolio '{portfolio}': fill '{name}' is not next_open or signal_close."),
    };

    public static string Of(TraceRetention tracing) => tracing switch
    {
        TraceRetention.All => "all",
        TraceRetention.TradeComplete => "trade_complete",
        _ => "none",
    };

    public static TraceRetention Tracing(string portfolio, string name) => name switch
    {
        "all" => TraceRetention.All,
        "trade_complete" => TraceRetention.TradeComplete,
        "none" => TraceRetention.None,
        _ => throw new ArgumentException($"Portfolio '{portfolio}': tracing '{name}' is not all, trade_complete or none."),
    };

    public static RegimeExit Exit(string portfolio, string name) => name switch
    {
        "hold" => RegimeExit.Hold,
        "close" => RegimeExit.Close,
        _ => throw new ArgumentException($"Portfolio '{portfolio}': on_regime_exit '{name}' is not hold or close."),
    };
}

/// <summary>A <see cref="SeriesId"/> on the wire: its name, <c>SPY_1m</c>.</summary>
[GenerateSerializer, Alias("signalreplay.series-id")]
public struct SeriesIdSurrogate
{
    [Id(0)] public string Name;
}

[RegisterConverter]
public sealed class SeriesIdConverter : IConverter<SeriesId, SeriesIdSurrogate>
{
    public SeriesId ConvertFromSurrogate(in SeriesIdSurrogate s) => SeriesId.Parse(s.Name);

    public SeriesIdSurrogate ConvertToSurrogate(in SeriesId value) => new() { Name = value.ToString() };
}
