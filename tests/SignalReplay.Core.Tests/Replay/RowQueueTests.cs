using SignalReplay.Core.Replay;

namespace SignalReplay.Core.Tests.Replay;

public sealed class RowQueueTests
{
    [Fact]
    public void Rows_are_taken_only_at_their_bar_in_order_and_each_knows_the_value_it_replaces()
    {
        var queue = new RowQueue<double>(0);
        queue.Add([3, 7], [1.0, -1.0]);
        queue.Add([9], [0.5]);

        Assert.Equal(3, queue.Head);
        Assert.False(queue.TryTake(2, out var before));
        Assert.Equal((0.0, 0.0), (before, queue.Current));
        Assert.True(queue.TryTake(3, out before));
        Assert.Equal((0.0, 1.0), (before, queue.Current));
        Assert.False(queue.TryTake(9, out _)); // bar 7 comes first
        Assert.True(queue.TryTake(7, out before));
        Assert.True(queue.TryTake(9, out before));
        Assert.Equal((-1.0, 0.5), (before, queue.Current));
        Assert.Equal(int.MaxValue, queue.Head);
    }
}
