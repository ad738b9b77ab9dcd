using SignalReplay.Core.Generation;

namespace SignalReplay.Core.Tests.Generation;

public sealed class TimeAlignmentBufferTests
{
    private static readonly long Open = new DateTimeOffset(2013, 10, 4, 13, 30, 0, TimeSpan.Zero).ToUnixTimeMilliseconds();
    private static readonly SeriesId Spy = SeriesId.Parse("SPY_1m");
    private static readonly SeriesId Bac = SeriesId.Parse("BAC_5m");

    private static Bar At(int minute) => new(Open + (minute * 60_000L), 10, 11, 9, 10, 1);

    private static List<(long End, int[] Series)> DrainAll(TimeAlignmentBuffer buffer)
    {
        var slices = new List<(long, int[])>();
        while (buffer.TryNext(out var end, out var bars))
        {
            slices.Add((end, bars.Select(b => b.Series).ToArray()));
        }

        return slices;
    }

    [Fact]
    public void A_five_minute_bar_becomes_visible_only_at_its_end()
    {
        var buffer = new TimeAlignmentBuffer([Spy, Bac], 100);
        buffer.Add(0, [At(0), At(1), At(2), At(3), At(4), At(5)], complete: true);
        buffer.Add(1, [At(0), At(5)], complete: true);

        var slices = DrainAll(buffer);

        Assert.Equal(7, slices.Count);
        Assert.Equal(Open + (5 * 60_000L), slices[4].End);
        Assert.Equal([0, 1], slices[4].Series); // the 13:34 1m bar and the 13:30 5m bar both end at 13:35
        Assert.All(slices.Take(4), slice => Assert.Equal([0], slice.Series));
        Assert.Equal([1], slices[^1].Series); // the 13:35 5m bar ends at 13:40, after every 1m bar
    }

    [Fact]
    public void Released_through_is_the_last_time_no_slice_can_still_come_for()
    {
        var buffer = new TimeAlignmentBuffer([Spy, Bac], 100);
        Assert.Equal(long.MinValue, buffer.ReleasedThrough); // nothing promised yet

        // SPY sends 13:30-13:36 (ends 13:31..13:37); BAC only its 13:30 bar (ends 13:35).
        buffer.Add(0, [At(0), At(1), At(2), At(3), At(4), At(5), At(6)]);
        buffer.Add(1, [At(0)]);
        DrainAll(buffer);
        // BAC's next bar could end at 13:40, but it promised nothing past 13:35: slices through 13:35 are out.
        Assert.Equal(Open + (5 * 60_000L), buffer.ReleasedThrough);

        // BAC promises through 13:45: SPY's held bars (ending 13:36 and 13:37) go out, and SPY itself now
        // bounds the time (its next bar is unknown, known only through the end of its last bar, 13:37).
        buffer.Add(1, [], through: Open + (15 * 60_000L));
        DrainAll(buffer);
        Assert.Equal(Open + (7 * 60_000L), buffer.ReleasedThrough);

        // BAC's 13:45 bar (ends 13:50) is held: SPY, known only through 13:37, still bounds the time.
        buffer.Add(1, [At(15)]);
        Assert.Equal(Open + (7 * 60_000L), buffer.ReleasedThrough);

        // SPY is complete: BAC's bar goes out, and BAC, known through 13:50 only, bounds the time.
        buffer.Add(0, [At(7)], complete: true);
        DrainAll(buffer);
        Assert.Equal(Open + (20 * 60_000L), buffer.ReleasedThrough);

        buffer.Add(1, [], complete: true);
        DrainAll(buffer);
        Assert.True(buffer.IsDrained);
        Assert.Equal(long.MaxValue, buffer.ReleasedThrough);
    }

    [Fact]
    public void A_slice_waits_until_every_series_is_known_through_its_time()
    {
        var buffer = new TimeAlignmentBuffer([Spy, SeriesId.Parse("IBM_1m")], 100);
        buffer.Add(0, [At(0), At(1), At(2)]);

        Assert.False(buffer.TryNext(out _, out _)); // IBM might still have a 13:30 bar

        buffer.Add(1, [], through: Open + (2 * 60_000L)); // IBM: nothing started before 13:32
        var released = DrainAll(buffer);

        Assert.Equal(2, released.Count); // 13:31 and 13:32 are safe; 13:33 still waits for IBM
        buffer.Add(1, [At(2)], complete: true);
        buffer.Add(0, [], complete: true);
        Assert.Equal([0, 1], Assert.Single(DrainAll(buffer)).Series);
        Assert.True(buffer.IsDrained);
    }

    [Fact]
    public void Holding_more_than_max_buffer_size_is_an_error_naming_the_series_waited_for()
    {
        var buffer = new TimeAlignmentBuffer([Spy, Bac], maxBufferSize: 5);
        buffer.Add(0, [At(0), At(1), At(2), At(3)]);

        var error = Assert.Throws<AlignmentBufferOverflowException>(() => buffer.Add(0, [At(4), At(5)]));

        Assert.Contains("max_buffer_size 5", error.Message);
        Assert.Contains("SPY_1m is ahead while it waits for BAC_5m", error.Message);
    }

    [Fact]
    public void A_bar_out_of_order_within_a_series_is_refused()
    {
        var buffer = new TimeAlignmentBuffer([Spy], 100);
        buffer.Add(0, [At(3)]);

        var error = Assert.Throws<ArgumentException>(() => buffer.Add(0, [At(2)]));

        Assert.Contains("SPY_1m: bar starting 2013-10-04T13:32:00Z is not after the previous one", error.Message);
    }
}
