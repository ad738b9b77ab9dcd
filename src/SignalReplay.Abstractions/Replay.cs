namespace SignalReplay.Abstractions;

/// <summary>A portfolio configuration on the wire (SPEC 6); see the Core PortfolioConfig for the meaning of each field.</summary>
[GenerateSerializer, Immutable, Alias("signalreplay.portfolio")]
public sealed record PortfolioWire(
    [property: Id(0)] string Id,
    [property: Id(1)] AssignmentWire[] Assignments,
    [property: Id(2)] string Sizing,
    [property: Id(3)] double SizingValue,
    [property: Id(4)] bool WholeUnits,
    [property: Id(5)] string FillTiming,
    [property: Id(6)] double CommissionBps,
    [property: Id(7)] double CommissionPerUnit,
    [property: Id(8)] double SlippageBps,
    [property: Id(9)] double? MaxPositionFraction,
    [property: Id(10)] double? MaxGrossExposure,
    [property: Id(11)] double? StopLoss,
    [property: Id(12)] double? TakeProfit,
    [property: Id(13)] double? MaxDrawdownHalt,
    [property: Id(14)] string? RegimeClassifier,
    [property: Id(15)] string[] AllowedRegimes,
    [property: Id(16)] string OnRegimeExit,
    [property: Id(17)] double StartingCash,
    [property: Id(18)] string Tracing,
    [property: Id(19)] int VolatilityLookback,
    [property: Id(20)] long? WindowFrom = null,
    [property: Id(21)] long? WindowTo = null);

/// <summary>One strategy instance a portfolio trades.</summary>
[GenerateSerializer, Immutable, Alias("signalreplay.assignment")]
public sealed record AssignmentWire([property: Id(0)] string StrategyInstance, [property: Id(1)] string Series, [property: Id(2)] double Weight);

/// <summary>
/// A replay run: a stored signal set and the portfolios to replay it into. Each portfolio scores itself
/// by <see cref="Objective"/> (its objective observer); with <see cref="Details"/> it also returns its
/// trades, events and day-end equity.
/// </summary>
[GenerateSerializer, Immutable, Alias("signalreplay.replay-spec")]
public sealed record ReplaySpec(
    [property: Id(0)] string SignalSetId,
    [property: Id(1)] PortfolioWire[] Portfolios,
    [property: Id(2)] TimeSpan BatchWindow,
    [property: Id(3)] string Objective = "max:sharpe",
    [property: Id(4)] bool Details = false);

/// <summary>
/// A full run (SPEC 3 <c>full</c>): generate the signals of <see cref="Generation"/> and trade them in the
/// same pass, storing nothing. The portfolios' strategies are named by the instance ids the generation
/// spec's strategies get.
/// </summary>
[GenerateSerializer, Immutable, Alias("signalreplay.full-spec")]
public sealed record FullSpec(
    [property: Id(0)] GenerationSpec Generation,
    [property: Id(1)] PortfolioWire[] Portfolios,
    [property: Id(2)] string Objective = "max:sharpe",
    [property: Id(3)] bool Details = false);

/// <summary>
/// How a portfolio grain starts: the base dataset it walks, the series its regime filter's classifier
/// counts bars in (null without a filter), and how it scores itself.
/// </summary>
[GenerateSerializer, Immutable, Alias("signalreplay.portfolio-start")]
public sealed record PortfolioStart(
    [property: Id(0)] string Dataset,
    [property: Id(1)] PortfolioWire Portfolio,
    [property: Id(2)] string? RegimeSeries,
    [property: Id(3)] string Objective,
    [property: Id(4)] bool Details);

/// <summary>What one portfolio produced: its metrics by name, a digest of every bit of its result, and its deliveries.</summary>
[GenerateSerializer, Immutable, Alias("signalreplay.portfolio-summary")]
public sealed record PortfolioSummary(
    [property: Id(0)] string PortfolioId,
    [property: Id(1)] Dictionary<string, double> Metrics,
    [property: Id(2)] double FinalEquity,
    [property: Id(3)] int Trades,
    [property: Id(4)] string Digest,
    [property: Id(5)] int SignalBatchesDelivered,
    [property: Id(6)] double Score = 0,
    [property: Id(7)] PortfolioDetail? Detail = null);

/// <summary>Everything else a portfolio produced (the Core PortfolioResult), for the results layout.</summary>
[GenerateSerializer, Immutable, Alias("signalreplay.portfolio-detail")]
public sealed record PortfolioDetail(
    [property: Id(0)] double[] Metrics,
    [property: Id(1)] TradeWire[] Trades,
    [property: Id(2)] OpenPositionWire[] OpenPositions,
    [property: Id(3)] TraceEventWire[] Events,
    [property: Id(4)] long[] EquityTime,
    [property: Id(5)] double[] Equity,
    [property: Id(6)] double FinalEquity,
    [property: Id(7)] int BoundaryTrades,
    [property: Id(8)] int RiskRejects);

/// <summary>A closed trade.</summary>
[GenerateSerializer, Immutable, Alias("signalreplay.trade")]
public sealed record TradeWire(
    [property: Id(0)] string Symbol,
    [property: Id(1)] long EntryTime,
    [property: Id(2)] long ExitTime,
    [property: Id(3)] double Quantity,
    [property: Id(4)] double EntryPrice,
    [property: Id(5)] double ExitPrice,
    [property: Id(6)] double Pnl,
    [property: Id(7)] string? RegimeAtOpen,
    [property: Id(8)] string? RegimeAtClose);

/// <summary>A position still open at the end, marked at the last close.</summary>
[GenerateSerializer, Immutable, Alias("signalreplay.open-position")]
public sealed record OpenPositionWire([property: Id(0)] string Symbol, [property: Id(1)] double Quantity, [property: Id(2)] double AverageEntry, [property: Id(3)] double Mark);

/// <summary>A traced portfolio event.</summary>
[GenerateSerializer, Immutable, Alias("signalreplay.trace-event")]
public sealed record TraceEventWire(
    [property: Id(0)] string Kind,
    [property: Id(1)] long Time,
    [property: Id(2)] string Symbol,
    [property: Id(3)] double Quantity,
    [property: Id(4)] double Price,
    [property: Id(5)] string? Detail);

/// <summary>A replay run's outcome: one summary per portfolio, in the order given, and stream delivery counts.</summary>
[GenerateSerializer, Immutable, Alias("signalreplay.replay-summary")]
public sealed record ReplaySummary(
    [property: Id(0)] PortfolioSummary[] Portfolios,
    [property: Id(1)] int Rounds,
    [property: Id(2)] int SignalBatchesPublished,
    [property: Id(3)] int SignalBatchesDelivered);

/// <summary>
/// A batch of one strategy's signals on its stream: the rows whose primary bar ends at or before
/// <see cref="Through"/> and after the previous batch's; <see cref="Complete"/> on the last.
/// </summary>
[GenerateSerializer, Immutable, Alias("signalreplay.signal-batch")]
public sealed record SignalBatch(
    [property: Id(0)] string StrategyInstance,
    [property: Id(1)] int[] BarIdx,
    [property: Id(2)] double[] Value,
    [property: Id(3)] long Through,
    [property: Id(4)] bool Complete);

/// <summary>
/// A batch of one classifier's changes on its stream (<c>{run}/{classifier}</c> in <see cref="StreamNames.Regimes"/>),
/// with the same watermark rules as <see cref="SignalBatch"/>.
/// </summary>
[GenerateSerializer, Immutable, Alias("signalreplay.regime-batch")]
public sealed record RegimeBatch(
    [property: Id(0)] string Classifier,
    [property: Id(1)] int[] BarIdx,
    [property: Id(2)] string[] NewRegime,
    [property: Id(3)] long Through,
    [property: Id(4)] bool Complete);

/// <summary>Runs the full topology (SPEC 3): series grains -> the feature grain -> signal and regime streams -> portfolio grains; nothing stored.</summary>
[Alias("signalreplay.IFullGrain")]
public interface IFullGrain : IGrainWithStringKey
{
    [Alias("Run")]
    Task<ReplaySummary> RunAsync(FullSpec spec);
}

/// <summary>Runs the replay topology (SPEC 3): a signal source and portfolio grains, nothing else.</summary>
[Alias("signalreplay.IReplayGrain")]
public interface IReplayGrain : IGrainWithStringKey
{
    [Alias("Run")]
    Task<ReplaySummary> RunAsync(ReplaySpec spec);
}

/// <summary>
/// One portfolio of a run (key <c>{run}/{portfolio}</c>): subscribes to its strategies' signal streams and
/// its regime filter's classifier stream only. The same grain serves replay and full runs.
/// </summary>
[Alias("signalreplay.IPortfolioGrain")]
public interface IPortfolioGrain : IGrainWithStringKey
{
    /// <summary>Subscribes to the portfolio's streams; it will score itself by the start's objective.</summary>
    [Alias("Start")]
    Task StartAsync(PortfolioStart start);

    /// <summary>Completes once every subscribed stream is complete and every bar is walked.</summary>
    [Alias("Complete")]
    Task<PortfolioSummary> CompleteAsync();
}
