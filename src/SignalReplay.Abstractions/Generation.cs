namespace SignalReplay.Abstractions;

/// <summary>A generation run: what to generate, and the alignment settings (buffer bound, batch window).</summary>
[GenerateSerializer, Immutable, Alias("signalreplay.generation-run")]
public sealed record GenerationRun(
    [property: Id(0)] GenerationRequest Request,
    [property: Id(1)] GenerationOptions Options);

/// <summary>What a generation run produced.</summary>
[GenerateSerializer, Immutable, Alias("signalreplay.generation-summary")]
public sealed record GenerationSummary(
    [property: Id(0)] string SignalSetId,
    [property: Id(1)] bool CacheHit,
    [property: Id(2)] long BytesWritten,
    [property: Id(3)] long BarsProcessed,
    [property: Id(4)] int BatchesDelivered,
    [property: Id(5)] int SignalBatchesPublished = 0,
    [property: Id(6)] string? Repaired = null);

/// <summary>
/// A batch of one series' bars on the <c>bars</c> stream, in columns; <see cref="Through"/> promises that
/// no later bar of the series ends at or before it, <see cref="Complete"/> that none follows.
/// </summary>
[GenerateSerializer, Immutable, Alias("signalreplay.bar-batch")]
public sealed record BarBatch(
    [property: Id(0)] int Series,
    [property: Id(1)] long[] Time,
    [property: Id(2)] double[] Open,
    [property: Id(3)] double[] High,
    [property: Id(4)] double[] Low,
    [property: Id(5)] double[] Close,
    [property: Id(6)] double[] Volume,
    [property: Id(7)] long Through,
    [property: Id(8)] bool Complete);

/// <summary>
/// A grain that publishes batches on memory streams and takes back an acknowledgement for each delivery: its
/// back-pressure. It never has more batches delivered-but-unacknowledged than its limit, so no stream queue
/// (16,384 messages each) can fill up, whatever the size of the run.
/// </summary>
[Alias("signalreplay.IBatchPublisher")]
public interface IBatchPublisher : IGrainWithStringKey
{
    /// <summary><paramref name="batches"/> of this publisher's batches were delivered and processed.</summary>
    [Orleans.Concurrency.OneWay]
    [Orleans.Concurrency.AlwaysInterleave]
    [Alias("Delivered")]
    Task DeliveredAsync(int batches);
}

/// <summary>Runs a generation: checks the store, drives the series grains window by window, collects the result.</summary>
[Alias("signalreplay.IGenerationGrain")]
public interface IGenerationGrain : IBatchPublisher
{
    [Alias("Run")]
    Task<GenerationSummary> RunAsync(GenerationRun run);
}

/// <summary>One base series (key <c>{dataset}/{SERIES}</c>): loads it once per activation and publishes it in batches.</summary>
[Alias("signalreplay.ISeriesGrain")]
public interface ISeriesGrain : IGrainWithStringKey
{
    /// <summary>Publishes the bars starting in [<paramref name="windowStart"/>, <paramref name="windowEnd"/>) on the run's bar stream.</summary>
    [Alias("Publish")]
    Task PublishAsync(string run, int ordinal, long windowStart, long windowEnd, bool last);
}

/// <summary>
/// The feature container of one run (key: the run id): consumes bar batches (acknowledging each to the run's
/// <see cref="IBatchPublisher"/> of bars), keeps the captured signals.
/// </summary>
[Alias("signalreplay.IFeatureGrain")]
public interface IFeatureGrain : IBatchPublisher
{
    [Alias("Start")]
    Task StartAsync(GenerationRun run, IBatchPublisher bars);

    /// <summary>
    /// Starts the container of a full run: it stores nothing and publishes, as slices are released, the rows of
    /// each strategy in <paramref name="feeds"/> on its signal stream and the changes of each classifier on its
    /// regime stream, waiting for their subscribers' acknowledgements as they come.
    /// </summary>
    [Alias("StartFull")]
    Task StartFullAsync(GenerationRun run, IBatchPublisher bars, FullFeeds feeds);

    /// <summary>
    /// Completes once every series has sent its last batch and every slice is processed; stores the set
    /// (a full run stores nothing, and its summary names no signal set).
    /// </summary>
    [Alias("Complete")]
    Task<GenerationSummary> CompleteAsync();
}

/// <summary>The streams a full run's feature grain publishes: how many shards subscribe to each strategy's and each classifier's.</summary>
[GenerateSerializer, Immutable, Alias("signalreplay.full-feeds")]
public sealed record FullFeeds(
    [property: Id(0)] Dictionary<string, int> Strategies,
    [property: Id(1)] Dictionary<string, int> Classifiers);

/// <summary>Names shared by producers and consumers of streams.</summary>
public static class StreamNames
{
    /// <summary>
    /// The stream provider. Orleans keeps a provider's subscriptions in the grain storage of the same
    /// name when there is one, so this must not be the store-backed storage's name: subscriptions live
    /// for one run and belong in memory ("PubSubStore"), not as files in the user's store.
    /// </summary>
    public const string Provider = "signalreplay-streams";
    public const string Bars = "bars";

    /// <summary>
    /// One stream per strategy instance and subscriber group: <c>{run}/{shard}/{strategy instance}</c> in a replay
    /// (each shard its own), <c>{run}/{strategy instance}</c> in a full run (every shard that trades it).
    /// </summary>
    public const string Signals = "signals";

    /// <summary>One stream per classifier and subscriber group, keyed as <see cref="Signals"/>.</summary>
    public const string Regimes = "regimes";

    /// <summary>
    /// A replay shard's own stream, <c>{run}/s{n}</c>: every feed the shard reads, and only those, in
    /// <see cref="FeedBatch"/>es. One stream per shard, because a stream costs Orleans' pub-sub about 2 ms to
    /// set up, which a sweep of 10,000 strategies would pay 10,000 times.
    /// </summary>
    public const string Feeds = "feeds";
}

/// <summary>A run that failed for a reason the caller can act on (overflow, bad input); the message says which.</summary>
[GenerateSerializer, Alias("signalreplay.run-failed")]
public sealed class RunFailedException : Exception
{
    public RunFailedException()
    {
    }

    public RunFailedException(string message)
        : base(message)
    {
    }

    public RunFailedException(string message, Exception inner)
        : base(message, inner)
    {
    }
}
