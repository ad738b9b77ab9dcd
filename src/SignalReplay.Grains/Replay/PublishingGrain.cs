using SignalReplay.Abstractions;

namespace SignalReplay.Grains.Replay;

/// <summary>
/// A grain that publishes stream batches under back-pressure: it takes a <see cref="Credits"/> credit per
/// delivery before publishing and its subscribers give each back (<see cref="IBatchPublisher.DeliveredAsync"/>).
/// </summary>
public abstract class PublishingGrain(SignalReplayOptions options) : Grain, IBatchPublisher
{
    internal DeliveryCredits Credits { get; } = new(options.MaxBatchesInFlight);

    /// <summary>The silo's SignalReplay settings.</summary>
    protected SignalReplayOptions Options => options;

    public Task DeliveredAsync(int batches)
    {
        Credits.Return(batches);
        return Task.CompletedTask;
    }
}
