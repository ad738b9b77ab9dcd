namespace SignalReplay.Grains.Replay;

/// <summary>
/// A publisher's back-pressure (see <see cref="Abstractions.IBatchPublisher"/>): a batch delivered to k
/// subscribers takes k credits before it is published, and each acknowledged delivery gives one back, so at
/// most <c>limit</c> deliveries are ever outstanding and the memory-stream queues stay far from full.
/// </summary>
internal sealed class DeliveryCredits(int limit)
{
    private readonly SemaphoreSlim _free = new(limit, limit);
    private int _outstanding;

    /// <summary>The most deliveries that may be outstanding at once.</summary>
    public int Limit => limit;

    /// <summary>The most deliveries that were outstanding at once.</summary>
    public int Peak { get; private set; }

    /// <summary>Waits for <paramref name="deliveries"/> credits (at most the limit: one batch may always go).</summary>
    public async Task TakeAsync(int deliveries, CancellationToken cancellationToken)
    {
        deliveries = Math.Min(deliveries, limit);
        for (var i = 0; i < deliveries; i++)
        {
            await _free.WaitAsync(cancellationToken);
        }

        _outstanding += deliveries;
        Peak = Math.Max(Peak, _outstanding);
    }

    /// <summary>Gives back credits for <paramref name="deliveries"/> acknowledged deliveries.</summary>
    public void Return(int deliveries)
    {
        deliveries = Math.Min(deliveries, _outstanding);
        if (deliveries > 0)
        {
            _outstanding -= deliveries;
            _free.Release(deliveries);
        }
    }
}
