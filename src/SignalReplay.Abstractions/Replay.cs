namespace SignalReplay.Abstractions;

/// <summary>
/// A replay run (SPEC 3 replay): a stored signal set and its portfolios, a grid expanded by the shards that run
/// it (<see cref="Grid"/>) or a list (<see cref="Portfolios"/>). Each portfolio scores itself by
/// <see cref="Objective"/>; the run hands back the best <see cref="Top"/> by score, with their trades, equity
/// and events when <see cref="KeepDetail"/>, and with <see cref="Output"/> streams every portfolio's metrics
/// row to the phase's <c>metrics.parquet</c>. <see cref="Candidates"/> names the candidate each portfolio of
/// the list stands for (its id when null); <see cref="ShardSize"/> overrides the silo's shard size for this run.
/// </summary>
[GenerateSerializer, Immutable, Alias("signalreplay.replay-run")]
public sealed record ReplayRun(
    [property: Id(0)] string SignalSetId,
    [property: Id(1)] GridPortfolios? Grid,
    [property: Id(2)] PortfolioConfig[] Portfolios,
    [property: Id(3)] string Objective = "max:sharpe",
    [property: Id(4)] int Top = int.MaxValue,
    [property: Id(5)] bool KeepDetail = false,
    [property: Id(6)] PhaseOutput? Output = null,
    [property: Id(7)] string[]? Candidates = null,
    [property: Id(8)] int? ShardSize = null)
{
    /// <summary>Every portfolio of the run, in plan order.</summary>
    public IReadOnlyList<PortfolioConfig> All => Grid is { } grid ? grid : Portfolios;
}

/// <summary>
/// Where a replay writes its metrics: <c>results/{run}/phases/{phase}/</c>, with a column per strategy parameter in <see cref="Parameters"/>
/// (<c>momentum.fast</c>); with <see cref="AllTrades"/> every portfolio's trades too.
/// </summary>
[GenerateSerializer, Immutable, Alias("signalreplay.phase-output")]
public sealed record PhaseOutput(
    [property: Id(0)] string Run,
    [property: Id(1)] string Phase,
    [property: Id(2)] bool AllTrades = false,
    [property: Id(3)] string[]? Parameters = null);

/// <summary>
/// A full run (SPEC 3 full): generate the signals of <see cref="Generation"/> and trade them in the same pass,
/// storing nothing. The portfolios' strategies are named by the instance ids the request's strategies get.
/// </summary>
[GenerateSerializer, Immutable, Alias("signalreplay.full-run")]
public sealed record FullRun(
    [property: Id(0)] GenerationRun Generation,
    [property: Id(1)] PortfolioConfig[] Portfolios,
    [property: Id(2)] string Objective = "max:sharpe",
    [property: Id(3)] bool KeepDetail = true,
    [property: Id(4)] int? ShardSize = null);

/// <summary>One portfolio's outcome: its index in the run's plan, its objective score, and what it produced.</summary>
[GenerateSerializer, Immutable, Alias("signalreplay.scored-result")]
public sealed record ScoredResult(
    [property: Id(0)] int Index,
    [property: Id(1)] double Score,
    [property: Id(2)] PortfolioResult Result);

/// <summary>
/// A replay or full run's outcome: how many portfolios ran, the best of them in rank order (score, then plan
/// order), the shards they ran in and the silos that hosted those, the stream batches published and
/// delivered (each to the shard that trades its strategy only), where the time went (replaying the shards,
/// writing the phase's metrics file), and the spread of every portfolio's Sharpe (of those that traded).
/// </summary>
[GenerateSerializer, Immutable, Alias("signalreplay.replay-outcome")]
public sealed record ReplayOutcome(
    [property: Id(0)] int Evaluated,
    [property: Id(1)] ScoredResult[] Top,
    [property: Id(2)] int Shards,
    [property: Id(3)] int SignalBatchesPublished,
    [property: Id(4)] int SignalBatchesDelivered,
    [property: Id(5)] string[] Hosts,
    [property: Id(6)] double ReplaySeconds = 0,
    [property: Id(7)] double WriteSeconds = 0,
    [property: Id(8)] SharpeSpread Sharpes = default);

/// <summary>
/// How a shard starts: the base dataset it reads, the series each classifier counts bars of, its portfolios (an
/// index range of a grid, or a list), how they score themselves, whether they keep their detail, the key prefix
/// of its feeds' streams and whom it acknowledges deliveries to. A replay shard reads its feeds from its own
/// stream (<see cref="StreamNames.Feeds"/>, key <see cref="Streams"/>); with <see cref="SharedFeeds"/> (full runs)
/// it subscribes to each feed's stream, <c>{Streams}/{strategy or classifier}</c>, shared with other shards. With
/// <see cref="KeepTrades"/> every result carries its closed trades (a phase that stores them all).
/// </summary>
[GenerateSerializer, Immutable, Alias("signalreplay.shard-start")]
public sealed record ShardStart(
    [property: Id(0)] string Dataset,
    [property: Id(1)] Dictionary<string, SeriesId> ClassifierSeries,
    [property: Id(2)] GridPortfolios? Grid,
    [property: Id(3)] int From,
    [property: Id(4)] int To,
    [property: Id(5)] PortfolioConfig[] Portfolios,
    [property: Id(6)] string Objective,
    [property: Id(7)] bool KeepDetail,
    [property: Id(8)] string Streams,
    [property: Id(9)] IBatchPublisher Publisher,
    [property: Id(10)] bool SharedFeeds = false,
    [property: Id(11)] bool KeepTrades = false)
{
    /// <summary>The shard's portfolios, in order.</summary>
    public IReadOnlyList<PortfolioConfig> All => Grid is { } grid ? new GridRange(grid, From, To) : Portfolios;

    private sealed class GridRange(GridPortfolios grid, int from, int to) : IReadOnlyList<PortfolioConfig>
    {
        public int Count => to - from;

        public PortfolioConfig this[int index] => grid[from + index];

        public IEnumerator<PortfolioConfig> GetEnumerator() => Enumerable.Range(from, to - from).Select(i => grid[i]).GetEnumerator();

        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
    }
}

/// <summary>What a shard produced: each portfolio's result and score, in the shard's order; its deliveries; the silo it ran on.</summary>
[GenerateSerializer, Immutable, Alias("signalreplay.shard-outcome")]
public sealed record ShardOutcome(
    [property: Id(0)] PortfolioResult[] Results,
    [property: Id(1)] double[] Scores,
    [property: Id(2)] int SignalBatchesDelivered,
    [property: Id(3)] string Host);

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
/// Batches of several feeds in one message on a replay shard's own stream (<see cref="StreamNames.Feeds"/>): each
/// inner batch follows the rules of its kind, for its feed.
/// </summary>
[GenerateSerializer, Immutable, Alias("signalreplay.feed-batch")]
public sealed record FeedBatch(
    [property: Id(0)] SignalBatch[] Signals,
    [property: Id(1)] RegimeBatch[] Regimes);

/// <summary>A batch of one classifier's changes on its stream, with the same watermark rules as <see cref="SignalBatch"/>.</summary>
[GenerateSerializer, Immutable, Alias("signalreplay.regime-batch")]
public sealed record RegimeBatch(
    [property: Id(0)] string Classifier,
    [property: Id(1)] int[] BarIdx,
    [property: Id(2)] string[] NewRegime,
    [property: Id(3)] long Through,
    [property: Id(4)] bool Complete);

/// <summary>Runs the full topology (SPEC 3): series grains -> the feature grain -> signal and regime streams -> shard grains; nothing stored.</summary>
[Alias("signalreplay.IFullGrain")]
public interface IFullGrain : IBatchPublisher
{
    [Alias("Run")]
    Task<ReplayOutcome> RunAsync(FullRun run);
}

/// <summary>Runs the replay topology (SPEC 3): the signal source and shard grains, nothing else.</summary>
[Alias("signalreplay.IReplayGrain")]
public interface IReplayGrain : IBatchPublisher
{
    [Alias("Run")]
    Task<ReplayOutcome> RunAsync(ReplayRun run);
}

/// <summary>
/// One shard of a replay or full run (key <c>{run}/{shard}</c>): many portfolio configurations stepped together
/// by the Core replay driver over one subscription per feed they read (a strategy's signals, a classifier's
/// changes). The same grain serves replay and full runs.
/// </summary>
[Alias("signalreplay.IShardGrain")]
public interface IShardGrain : IGrainWithStringKey
{
    /// <summary>Loads the base data the shard reads and subscribes to its feeds' streams.</summary>
    [Alias("Start")]
    Task StartAsync(ShardStart start);

    /// <summary>Completes once every feed is complete and every portfolio finished.</summary>
    [Alias("Complete")]
    Task<ShardOutcome> CompleteAsync();
}
