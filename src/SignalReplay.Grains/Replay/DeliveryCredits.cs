namespace SignalReplay.Grains.Replay;

/// <summary>
/// A publisher's back-pressure (see <see cref="Abstractions.IBatchPublisher"/>): it counts the deliveries it has
/// published and not yet heard acknowledged, and a batch for k subscribers goes out only while that count plus k
/// stays within <c>limit</c>, or when nothing is outstanding (so a batch for more than <c>limit</c> subscribers
/// still goes, alone). Every queued message owes at least one delivery, so at most <c>limit</c> of one
/// publisher's messages are ever in a memory-stream queue and the queues stay far from full.
/// </summary>
internal sealed class DeliveryCredits(int limit)
{
    private readonly Lock _gate = new();
    private long _outstanding;
    private TaskCompletionSource? _returned;

    /// <summary>The most deliveries that may be outstanding at once, but for a single batch with more subscribers.</summary>
    public int Limit => limit;

    /// <summary>The most deliveries that were outstanding at once.</summary>
    public long Peak { get; private set; }

    /// <summary>Waits until a batch for <paramref name="deliveries"/> subscribers may go, and counts them outstanding.</summary>
    public async Task TakeAsync(int deliveries, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(deliveries);
        while (true)
        {
            Task returned;
            lock (_gate)
            {
                if (_outstanding == 0 || _outstanding + deliveries <= limit)
                {
                    _outstanding += deliveries;
                    Peak = Math.Max(Peak, _outstanding);
                    return;
                }

                _returned ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                returned = _returned.Task;
            }

            await returned.WaitAsync(cancellationToken);
        }
    }

    /// <summary>Counts <paramref name="deliveries"/> acknowledged deliveries and wakes the publishers that wait.</summary>
    public void Return(int deliveries)
    {
        TaskCompletionSource? waiting;
        lock (_gate)
        {
            _outstanding = Math.Max(0, _outstanding - deliveries);
            waiting = _returned;
            _returned = null;
        }

        waiting?.TrySetResult();
    }
}
