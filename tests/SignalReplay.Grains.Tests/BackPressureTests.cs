using Orleans.Providers;
using SignalReplay.Abstractions;
using SignalReplay.Core.Generation;
using SignalReplay.Core.Portfolio;
using SignalReplay.Core.Replay;
using SignalReplay.Grains.Generation;
using SignalReplay.Grains.Replay;
using SignalReplay.Storage.BaseData;
using SignalReplay.Storage.Signals;

namespace SignalReplay.Grains.Tests;

/// <summary>
/// Publishing waits for its subscribers: on silos whose memory-stream queues hold 4 messages, generation, replay
/// and full runs that publish hundreds of batches complete and equal the in-process pipeline.
/// </summary>
[Collection(TinyQueueCollection.Name)]
public sealed class BackPressureTests(TinyQueueFixture fixture)
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    /// <summary>Hundreds of batches: 8 rows per replay batch, a 30-minute window per generation batch.</summary>
    private static readonly GenerationOptions SmallBatches = new() { MaxBufferSize = 20_000, BatchWindow = TimeSpan.FromMinutes(30) };

    private static ReplayCases.Case Case(ulong seed) => ReplayCases.Synthetic(tradingDays: 5, seed);

    [Fact]
    public async Task The_queues_refuse_a_fifth_message_that_nobody_takes()
    {
        // The control: the cluster's queues are the tiny ones, and publishing without waiting overflows them.
        var queue = fixture.Cluster.GrainFactory.GetGrain<IMemoryStreamQueueGrain>(Guid.NewGuid());
        for (var i = 0; i < TinyMemoryStreamQueueGrain.Capacity; i++)
        {
            await queue.Enqueue(new MemoryMessageData(), Cancel);
        }

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => queue.Enqueue(new MemoryMessageData(), Cancel));

        Assert.Contains("maximum of 4", error.Message);
    }

    [Fact]
    public async Task Generation_publishing_hundreds_of_batches_through_tiny_queues_equals_the_core_pipeline()
    {
        var (series, strategies, classifiers) = Case(seed: 41);
        await new BaseDatasetStore(fixture.Store).WriteAsync("tiny-generation", series, Cancel);
        var request = new GenerationRequest("tiny-generation", [.. series.Select(s => s.Id)], strategies, classifiers);

        var summary = await fixture.Cluster.GrainFactory.GetGrain<IGenerationGrain>($"run-{Guid.NewGuid():N}").RunAsync(new GenerationRun(request, SmallBatches));

        Assert.False(summary.CacheHit);
        Assert.True(summary.BatchesDelivered > 50 * TinyMemoryStreamQueueGrain.Capacity, $"{summary.BatchesDelivered} batches");
        var stored = await new SignalSetStore(fixture.Store).ReadAsync(summary.SignalSetId, Cancel);
        SignalSetAssert.Same(SignalGeneration.Run(series, strategies, classifiers), stored);
    }

    [Fact]
    public async Task Replay_and_full_runs_publishing_hundreds_of_batches_through_tiny_queues_equal_the_core_loop()
    {
        var (series, strategies, classifiers) = Case(seed: 43);
        await new BaseDatasetStore(fixture.Store).WriteAsync("tiny-replay", series, Cancel);
        var request = new GenerationRequest("tiny-replay", [.. series.Select(s => s.Id)], strategies, classifiers);
        var set = (await new SignalSetStore(fixture.Store).GenerateAsync(request, cancellationToken: Cancel)).Manifest.Id;
        var grid = PortfolioGrid.Build(strategies);
        var expected = Backtest.Full(series, strategies, classifiers, grid).Select(PortfolioDigest.Of).ToList();

        var replay = await fixture.Cluster.GrainFactory.GetGrain<IReplayGrain>($"replay-{Guid.NewGuid():N}")
            .RunAsync(new ReplayRun(set, null, [.. grid], KeepDetail: true, ShardSize: 10));
        var full = await fixture.Cluster.GrainFactory.GetGrain<IFullGrain>($"full-{Guid.NewGuid():N}")
            .RunAsync(new FullRun(new GenerationRun(request, SmallBatches), [.. grid], KeepDetail: true, ShardSize: 10));

        Assert.True(expected.Count > 50 && expected.Distinct().Count() > 10, "the grid should trade in many ways");
        Assert.True(replay.SignalBatchesPublished > 50 * TinyMemoryStreamQueueGrain.Capacity, $"{replay.SignalBatchesPublished} replay batches");
        Assert.True(full.SignalBatchesPublished > 50 * TinyMemoryStreamQueueGrain.Capacity, $"{full.SignalBatchesPublished} full-run batches");
        Assert.Equal(replay.SignalBatchesPublished, replay.SignalBatchesDelivered);
        Assert.Equal(expected, replay.Top.OrderBy(t => t.Index).Select(t => PortfolioDigest.Of(t.Result)));
        Assert.Equal(expected, full.Top.OrderBy(t => t.Index).Select(t => PortfolioDigest.Of(t.Result)));
    }
}
