using Orleans.Concurrency;
using Orleans.Streams;
using SignalReplay.Abstractions;
using SignalReplay.Core.Generation;
using SignalReplay.Grains.Full;
using SignalReplay.Grains.Replay;
using SignalReplay.Storage.Objects;
using SignalReplay.Storage.Signals;

namespace SignalReplay.Grains.Generation;

/// <summary>
/// The feature container of one run (key: the run id, which is also its bar stream's key). A thin
/// shell: batches from the stream go into the Core <see cref="TimeAlignmentBuffer"/> and
/// <see cref="SignalGenerator"/>, the same objects the in-process pipeline uses, so both give the same bits.
/// A generate run stores the captured set at the end; a full run stores nothing and publishes what each
/// batch released on the run's signal and regime streams instead (<see cref="FullRunPublisher"/>).
/// </summary>
[ImplicitStreamSubscription(StreamNames.Bars)]
[Reentrant] // CompleteAsync waits for batches that arrive as other calls into this grain.
public sealed class FeatureGrain(IObjectStore store, SignalReplayOptions options) : PublishingGrain(options), IFeatureGrain
{
    private readonly TaskCompletionSource _drained = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private TimeAlignmentBuffer? _buffer;
    private SignalGenerator? _generator;
    private GenerationPlan? _plan;
    private FullRunPublisher? _publisher;
    private IBatchPublisher? _bars;
    private int _batches;
    private long _barsProcessed;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        var stream = this.GetStreamProvider(StreamNames.Provider)
            .GetStream<BarBatch>(StreamId.Create(StreamNames.Bars, this.GetPrimaryKeyString()));
        await stream.SubscribeAsync(OnBatchAsync);
    }

    public async Task StartAsync(GenerationRun run, IBatchPublisher bars) =>
        _plan = await new SignalSetStore(store).PlanAsync(Prepare(run, bars));

    public Task StartFullAsync(GenerationRun run, IBatchPublisher bars, FullFeeds feeds)
    {
        Prepare(run, bars);
        _publisher = new FullRunPublisher(this.GetStreamProvider(StreamNames.Provider), this.GetPrimaryKeyString(), feeds, Credits);
        return Task.CompletedTask;
    }

    /// <summary>The alignment buffer and generator of a run, the same for generate and full runs.</summary>
    private GenerationRequest Prepare(GenerationRun run, IBatchPublisher bars)
    {
        _bars = bars;
        var request = run.Request;
        _buffer = new TimeAlignmentBuffer(request.Series, run.Options.MaxBufferSize);
        _generator = new SignalGenerator(request.Series, request.Strategies, request.Classifiers);
        return request;
    }

    public async Task<GenerationSummary> CompleteAsync()
    {
        try
        {
            await _drained.Task;
            if (_publisher is not null)
            {
                return new GenerationSummary(string.Empty, false, 0, _barsProcessed, _batches, _publisher.SignalBatchesPublished);
            }

            var set = _generator!.Build();
            var result = await new SignalSetStore(store).StoreAsync(_plan!, set);
            return new GenerationSummary(result.Manifest.Id, false, result.BytesWritten, set.BarsProcessed, _batches, Repaired: result.Repaired);
        }
        finally
        {
            // A run's container is single-use, finished or failed.
            DeactivateOnIdle();
        }
    }

    private async Task OnBatchAsync(BarBatch batch, StreamSequenceToken? token)
    {
        try
        {
            if (_buffer is null || _generator is null)
            {
                _drained.TrySetException(new InvalidOperationException($"Run {this.GetPrimaryKeyString()} received bars before it was started."));
                return;
            }

            var bars = new Bar[batch.Time.Length];
            for (var i = 0; i < bars.Length; i++)
            {
                bars[i] = new Bar(batch.Time[i], batch.Open[i], batch.High[i], batch.Low[i], batch.Close[i], batch.Volume[i]);
            }

            _buffer.Add(batch.Series, bars, batch.Through, batch.Complete);
            _generator.Drain(_buffer);
            _batches++;
            _barsProcessed += bars.Length;
            if (_publisher is not null)
            {
                // The stream hands this grain one batch at a time, so publications stay in order.
                await _publisher.PublishAsync(_generator.TakeCaptured(), _buffer.ReleasedThrough, _buffer.IsDrained);
            }

            if (_buffer.IsDrained)
            {
                _drained.TrySetResult();
            }
        }
        catch (Exception error) when (error is ArgumentException or AlignmentBufferOverflowException or InvalidOperationException)
        {
            // The run fails with the reason, in a type every caller can deserialize; the silo and its stream carry on.
            _drained.TrySetException(new RunFailedException($"Run {this.GetPrimaryKeyString()} failed: {error.Message}"));
        }
        finally
        {
            // Acknowledged even when it failed: the publisher finishes its rounds and then hears of the failure.
            if (_bars is not null)
            {
                await _bars.DeliveredAsync(1);
            }
        }
    }
}
