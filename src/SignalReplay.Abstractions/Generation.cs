namespace SignalReplay.Abstractions;

/// <summary>One strategy or classifier to run: its catalog name, the series it reads, its parameters.</summary>
[GenerateSerializer, Immutable, Alias("signalreplay.decider")]
public sealed record DeciderWire(
    [property: Id(0)] string Name,
    [property: Id(1)] string[] Series,
    [property: Id(2)] Dictionary<string, double> Parameters,
    [property: Id(3)] string? Label = null);

/// <summary>A generation run: base dataset, series, deciders and the alignment settings.</summary>
[GenerateSerializer, Immutable, Alias("signalreplay.generation-spec")]
public sealed record GenerationSpec(
    [property: Id(0)] string Dataset,
    [property: Id(1)] string[] Series,
    [property: Id(2)] DeciderWire[] Strategies,
    [property: Id(3)] DeciderWire[] Classifiers,
    [property: Id(4)] int MaxBufferSize,
    [property: Id(5)] TimeSpan BatchWindow);

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

/// <summary>Runs a generation: checks the store, drives the series grains window by window, collects the result.</summary>
[Alias("signalreplay.IGenerationGrain")]
public interface IGenerationGrain : IGrainWithStringKey
{
    [Alias("Run")]
    Task<GenerationSummary> RunAsync(GenerationSpec spec);
}

/// <summary>One base series (key <c>{dataset}/{SERIES}</c>): loads it once per activation and publishes it in batches.</summary>
[Alias("signalreplay.ISeriesGrain")]
public interface ISeriesGrain : IGrainWithStringKey
{
    /// <summary>Publishes the bars starting in [<paramref name="windowStart"/>, <paramref name="windowEnd"/>) on the run's bar stream.</summary>
    [Alias("Publish")]
    Task PublishAsync(string run, int ordinal, long windowStart, long windowEnd, bool last);
}

/// <summary>The feature container of one run (key: the signal set id): consumes bar batches, keeps the captured signals.</summary>
[Alias("signalreplay.IFeatureGrain")]
public interface IFeatureGrain : IGrainWithStringKey
{
    [Alias("Start")]
    Task StartAsync(GenerationSpec spec);

    /// <summary>
    /// Starts the container of a full run: it stores nothing and publishes, as slices are released, the rows
    /// of <paramref name="strategies"/> on their signal streams and the changes of <paramref name="classifiers"/>
    /// on their regime streams.
    /// </summary>
    [Alias("StartFull")]
    Task StartFullAsync(GenerationSpec spec, string[] strategies, string[] classifiers);

    /// <summary>
    /// Completes once every series has sent its last batch and every slice is processed; stores the set
    /// (a full run stores nothing, and its summary names no signal set).
    /// </summary>
    [Alias("Complete")]
    Task<GenerationSummary> CompleteAsync();
}

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

    /// <summary>One stream per strategy instance and run: <c>{run}/{strategy instance}</c>.</summary>
    public const string Signals = "signals";

    /// <summary>One stream per classifier and run: <c>{run}/{classifier}</c>.</summary>
    public const string Regimes = "regimes";
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
