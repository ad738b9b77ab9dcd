namespace SignalReplay.Core.Tests.Data;

public sealed class ResamplerTests
{
    private static readonly long Start = new DateTimeOffset(2013, 10, 4, 13, 30, 0, TimeSpan.Zero).ToUnixTimeMilliseconds();

    private static long Minute(int n) => Start + (n * 60_000L);

    [Fact]
    public void One_minute_bars_aggregate_into_five_minute_ohlcv()
    {
        // Minutes 0-4 fall in the 13:30 bucket, 5 and 7 in 13:35 (minute 6 has no trade: no bar).
        var source = BarSeries.FromBars(SeriesId.Parse("SPY_1m"),
        [
            new Bar(Minute(0), 10, 11, 9, 10.5, 100),
            new Bar(Minute(1), 10.5, 12, 10, 11, 200),
            new Bar(Minute(2), 11, 11.5, 8, 9, 300),
            new Bar(Minute(4), 9, 10, 8.5, 9.5, 400),
            new Bar(Minute(5), 9.5, 9.6, 9.4, 9.45, 50),
            new Bar(Minute(7), 9.45, 9.9, 9.45, 9.8, 60),
        ]);

        var fiveMinutes = Resampler.Resample(source, Timeframe.Parse("5m"));

        Assert.Equal(SeriesId.Parse("SPY_5m"), fiveMinutes.Id);
        Assert.Equal(
            [
                new Bar(Minute(0), 10, 12, 8, 9.5, 1_000),
                new Bar(Minute(5), 9.5, 9.9, 9.4, 9.8, 110),
            ],
            Enumerable.Range(0, fiveMinutes.Count).Select(i => fiveMinutes[i]));
    }

    [Fact]
    public void Resampling_to_the_same_timeframe_changes_nothing()
    {
        var source = BarSeries.FromBars(SeriesId.Parse("SPY_1m"), [new Bar(Minute(0), 10, 11, 9, 10.5, 100)]);

        Assert.Same(source, Resampler.Resample(source, Timeframe.OneMinute));
    }

    [Theory]
    [InlineData("5m", "1m", "it is finer")]
    [InlineData("5m", "7m", "not a whole multiple")]
    [InlineData("1h", "90m", "not a whole multiple")]
    [InlineData("1M", "1d", "it is finer")]
    public void Refuses_a_target_that_is_finer_or_not_a_whole_multiple(string from, string to, string reason)
    {
        var source = BarSeries.FromBars(new SeriesId("SPY", Timeframe.Parse(from)), [new Bar(Minute(0), 10, 11, 9, 10.5, 100)]);

        var error = Assert.Throws<ArgumentException>(() => Resampler.Resample(source, Timeframe.Parse(to)));

        Assert.Contains($"Cannot resample {from} bars to {to}", error.Message);
        Assert.Contains(reason, error.Message);
    }

    [Theory]
    [InlineData("5m")]
    [InlineData("1h")]
    [InlineData("1d")]
    public void Real_minute_bars_resample_like_a_plain_group_by(string target)
    {
        var path = SharedData.Require("lean-minute/SPY_1m.csv");
        var source = CsvBarReader.Read(path, SeriesId.Parse("SPY_1m"));
        var timeframe = Timeframe.Parse(target);

        var resampled = Resampler.Resample(source, timeframe);

        var expected = Enumerable.Range(0, source.Count)
            .Select(i => source[i])
            .GroupBy(bar => timeframe.BucketStart(bar.Time))
            .Select(group => new Bar(
                group.Key,
                group.First().Open,
                group.Max(bar => bar.High),
                group.Min(bar => bar.Low),
                group.Last().Close,
                group.Aggregate(0.0, (sum, bar) => sum + bar.Volume)))
            .ToList();
        Assert.Equal(expected, Enumerable.Range(0, resampled.Count).Select(i => resampled[i]));
        Assert.Null(Enumerable.Range(0, resampled.Count).Select(i => BarRules.Check(resampled[i])).FirstOrDefault(problem => problem is not null));
    }
}
