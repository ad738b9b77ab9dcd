namespace SignalReplay.Core.Tests.Data;

public sealed class TimeframeTests
{
    private static long Utc(int year, int month, int day, int hour = 0, int minute = 0) =>
        new DateTimeOffset(year, month, day, hour, minute, 0, TimeSpan.Zero).ToUnixTimeMilliseconds();

    [Theory]
    [InlineData("1m", 1, TimeUnit.Minute)]
    [InlineData("5m", 5, TimeUnit.Minute)]
    [InlineData("1h", 1, TimeUnit.Hour)]
    [InlineData("1d", 1, TimeUnit.Day)]
    [InlineData("1w", 1, TimeUnit.Week)]
    [InlineData("1M", 1, TimeUnit.Month)]
    public void Parses_and_prints_the_same_text(string text, int count, TimeUnit unit)
    {
        var timeframe = Timeframe.Parse(text);

        Assert.Equal(new Timeframe(count, unit), timeframe);
        Assert.Equal(text, timeframe.ToString());
    }

    [Theory]
    [InlineData("")]
    [InlineData("m")]
    [InlineData("0m")]
    [InlineData("-5m")]
    [InlineData("5x")]
    [InlineData("1.5h")]
    public void Rejects_text_that_is_not_a_timeframe(string text)
    {
        var error = Assert.Throws<FormatException>(() => Timeframe.Parse(text));
        Assert.Contains($"'{text}'", error.Message);
    }

    [Fact]
    public void Five_minute_buckets_start_on_multiples_of_five_minutes()
    {
        var fiveMinutes = Timeframe.Parse("5m");

        Assert.Equal(Utc(2013, 10, 4, 13, 30), fiveMinutes.BucketStart(Utc(2013, 10, 4, 13, 34)));
        Assert.Equal(Utc(2013, 10, 4, 13, 35), fiveMinutes.BucketStart(Utc(2013, 10, 4, 13, 35)));
        Assert.Equal(Utc(2013, 10, 4, 13, 40), fiveMinutes.BarEnd(Utc(2013, 10, 4, 13, 35)));
    }

    [Fact]
    public void Day_buckets_start_at_utc_midnight_and_weeks_on_monday()
    {
        Assert.Equal(Utc(2013, 10, 4), Timeframe.Parse("1d").BucketStart(Utc(2013, 10, 4, 23, 59)));
        // 2013-10-04 was a Friday; its week began on Monday 2013-09-30.
        Assert.Equal(Utc(2013, 9, 30), Timeframe.Parse("1w").BucketStart(Utc(2013, 10, 4, 12)));
        Assert.Equal(Utc(1969, 12, 29), Timeframe.Parse("1w").BucketStart(Utc(1970, 1, 1)));
    }

    [Fact]
    public void Month_bars_end_on_the_first_of_the_next_calendar_month()
    {
        var month = Timeframe.Parse("1M");

        Assert.Equal(Utc(2012, 2, 1), month.BucketStart(Utc(2012, 2, 29, 18)));
        Assert.Equal(Utc(2012, 3, 1), month.BarEnd(Utc(2012, 2, 1)));
        Assert.Equal(Utc(2012, 7, 1), Timeframe.Parse("3M").BucketStart(Utc(2012, 8, 15)));
    }
}
