using Orleans.Providers;

namespace SignalReplay.Grains.Tests;

/// <summary>
/// A memory-stream queue like Orleans' <see cref="MemoryStreamQueueGrain"/> that holds only <see cref="Capacity"/>
/// messages and refuses the next one the same way, so a test can show that publishers never outrun their consumers.
/// Only <see cref="TinyQueueFixture"/>'s silos use it.
/// </summary>
public sealed class TinyMemoryStreamQueueGrain : Grain, IMemoryStreamQueueGrain
{
    public const int Capacity = 4;

    private readonly Queue<MemoryMessageData> _messages = new();
    private long _sequence;

    public Task Enqueue(MemoryMessageData data)
    {
        if (_messages.Count >= Capacity)
        {
            throw new InvalidOperationException($"Can not enqueue since the count has reached its maximum of {Capacity}");
        }

        data.SequenceNumber = ++_sequence;
        data.EnqueueTimeUtc = DateTime.UtcNow;
        _messages.Enqueue(data);
        return Task.CompletedTask;
    }

    public Task Enqueue(MemoryMessageData data, CancellationToken cancellationToken) => Enqueue(data);

    public Task<List<MemoryMessageData>> Dequeue(int maxCount)
    {
        var taken = new List<MemoryMessageData>(Math.Min(maxCount, _messages.Count));
        while (taken.Count < maxCount && _messages.TryDequeue(out var data))
        {
            data.DequeueTimeUtc = DateTime.UtcNow;
            taken.Add(data);
        }

        return Task.FromResult(taken);
    }

    public Task<List<MemoryMessageData>> Dequeue(int maxCount, CancellationToken cancellationToken) => Dequeue(maxCount);
}
