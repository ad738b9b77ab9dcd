using SignalReplay.Core.Replay;

namespace SignalReplay.Core.Tests.Replay;

public sealed class FeedRowsTests
{
    [Fact]
    public void Rows_are_taken_only_at_their_bar_in_order_and_each_knows_the_value_it_replaces()
    {
        var rows = new FeedRows<double>();
        rows.Append([3, 7], [1.0, -1.0], through: 100, complete: false);
        rows.Append([9], [0.5], through: 200, complete: false);
        var cursor = new FeedCursor<double>(0);

        Assert.Equal(3, cursor.Head(rows));
        Assert.False(cursor.TryTake(rows, 2, out var before));
        Assert.Equal((0.0, 0.0), (before, cursor.Current));
        Assert.True(cursor.TryTake(rows, 3, out before));
        Assert.Equal((0.0, 1.0), (before, cursor.Current));
        Assert.False(cursor.TryTake(rows, 9, out _)); // bar 7 comes first
        Assert.True(cursor.TryTake(rows, 7, out before));
        Assert.True(cursor.TryTake(rows, 9, out before));
        Assert.Equal((-1.0, 0.5), (before, cursor.Current));
        Assert.Equal(int.MaxValue, cursor.Head(rows));
        Assert.Equal((200L, false), (rows.Through, rows.Complete));
    }

    [Fact]
    public void Readers_share_the_rows_each_with_its_own_place()
    {
        var rows = FeedRows<double>.Whole([2, 5], [1.0, 0.0]);
        var (first, second) = (new FeedCursor<double>(0), new FeedCursor<double>(0));

        Assert.True(first.TryTake(rows, 2, out _));
        Assert.Equal(2, second.Head(rows));
        Assert.Equal(5, first.Head(rows));
        Assert.True(rows.Complete);
        Assert.Equal(long.MaxValue, rows.Through);
    }

    [Fact]
    public void Rows_out_of_order_or_after_completion_are_refused()
    {
        var rows = new FeedRows<double>();
        rows.Append([4], [1.0], through: 10, complete: false);

        Assert.Contains("bar 4 follows bar 4", Assert.Throws<ArgumentException>(() => rows.Append([4], [0.0], 20, false)).Message);
        rows.Append([6], [0.0], 30, complete: true);
        Assert.Throws<InvalidOperationException>(() => rows.Append([8], [1.0], 40, false));
    }
}
