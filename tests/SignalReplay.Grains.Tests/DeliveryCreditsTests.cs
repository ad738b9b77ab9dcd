using SignalReplay.Grains.Replay;

namespace SignalReplay.Grains.Tests;

/// <summary>The credit rule that keeps a publisher's messages in a memory-stream queue within its limit.</summary>
public sealed class DeliveryCreditsTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_batch_waits_until_its_deliveries_fit_within_the_limit()
    {
        var credits = new DeliveryCredits(limit: 4);
        await credits.TakeAsync(3, Cancel);

        var second = credits.TakeAsync(2, Cancel);
        Assert.False(second.IsCompleted);
        credits.Return(1);
        await second;

        Assert.Equal(4, credits.Peak);
    }

    [Fact]
    public async Task A_batch_for_more_subscribers_than_the_limit_goes_alone_and_the_next_waits_until_acknowledgements_leave_room()
    {
        // One message for five subscribers is acknowledged five times: the first acknowledgements must not
        // free room for the next message, or a queue would hold more than the limit of one publisher's messages.
        var credits = new DeliveryCredits(limit: 2);
        await credits.TakeAsync(5, Cancel);

        var next = credits.TakeAsync(1, Cancel);
        for (var delivered = 1; delivered <= 3; delivered++)
        {
            credits.Return(1);
            await Task.Yield();
            Assert.False(next.IsCompleted, $"after {delivered} of 5 deliveries");
        }

        credits.Return(1);
        await next;
        Assert.Equal(5, credits.Peak);
    }

    [Fact]
    public async Task Waiting_can_be_cancelled()
    {
        var credits = new DeliveryCredits(limit: 1);
        await credits.TakeAsync(1, Cancel);
        using var stop = new CancellationTokenSource();

        var waiting = credits.TakeAsync(1, stop.Token);
        await stop.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting);
    }
}
