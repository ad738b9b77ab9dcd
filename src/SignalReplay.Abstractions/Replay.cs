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
    [property: Id(19)] int VolatilityLookback);

/// <summary>One strategy instance a portfolio trades.</summary>
[GenerateSerializer, Immutable, Alias("signalreplay.assignment")]
public sealed record AssignmentWire([property: Id(0)] string StrategyInstance, [property: Id(1)] string Series, [property: Id(2)] double Weight);

/// <summary>A replay run: a stored signal set and the portfolios to replay it into.</summary>
[GenerateSerializer, Immutable, Alias("signalreplay.replay-spec")]
public sealed record ReplaySpec(
    [property: Id(0)] string SignalSetId,
    [property: Id(1)] PortfolioWire[] Portfolios,
    [property: Id(2)] TimeSpan BatchWindow);

/// <summary>What one portfolio produced: its metrics by name, a digest of every bit of its result, and its deliveries.</summary>
[GenerateSerializer, Immutable, Alias("signalreplay.portfolio-summary")]
public sealed record PortfolioSummary(
    [property: Id(0)] string PortfolioId,
    [property: Id(1)] Dictionary<string, double> Metrics,
    [property: Id(2)] double FinalEquity,
    [property: Id(3)] int Trades,
    [property: Id(4)] string Digest,
    [property: Id(5)] int SignalBatchesDelivered);

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

/// <summary>Runs the replay topology (SPEC 3): a signal source and portfolio grains, nothing else.</summary>
[Alias("signalreplay.IReplayGrain")]
public interface IReplayGrain : IGrainWithStringKey
{
    [Alias("Run")]
    Task<ReplaySummary> RunAsync(ReplaySpec spec);
}

/// <summary>One portfolio of a run (key <c>{run}/{portfolio}</c>): subscribes to its strategies' signal streams only.</summary>
[Alias("signalreplay.IPortfolioGrain")]
public interface IPortfolioGrain : IGrainWithStringKey
{
    [Alias("Start")]
    Task StartAsync(string signalSetId, PortfolioWire portfolio);

    /// <summary>Completes once every subscribed stream is complete and every bar is walked.</summary>
    [Alias("Complete")]
    Task<PortfolioSummary> CompleteAsync();
}
