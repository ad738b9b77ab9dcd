using FsCheck;
using FsCheck.Fluent;
using SignalReplay.Core.Indices;

namespace SignalReplay.Core.Tests.Indices;

public sealed class AlignmentIndexTests
{
    private static readonly long Start = new DateTimeOffset(2013, 10, 4, 13, 30, 0, TimeSpan.Zero).ToUnixTimeMilliseconds();

    // A 1m primary and a 5m other series, each with random gaps (a missing bar is a minute nobody traded).
    private static readonly Arbitrary<(bool[] Primary, bool[] Other)> GappySeries = Arb.From(
        Gen.Zip(Gen.ArrayOf(Gen.Elements(true, true, true, false), 300), Gen.ArrayOf(Gen.Elements(true, true, false), 60)));

    private static BarSeries Series(string name, bool[] present)
    {
        var id = SeriesId.Parse(name);
        var length = id.Timeframe.NominalMillis;
        var bars = present.Select((has, i) => (has, i)).Where(x => x.has)
            .Select(x => new Bar(Start + (x.i * length), 10, 11, 9, 10, 1)).ToList();
        return BarSeries.FromBars(id, bars);
    }

    [Fact]
    public void Aligned_bar_equals_a_naive_scan_of_end_times()
    {
        Prop.ForAll(GappySeries, shape =>
        {
            var primary = Series("SPY_1m", shape.Primary);
            var other = Series("QQQ_5m", shape.Other);

            var index = AlignmentIndex.Build(primary, [other]);

            return Enumerable.Range(0, primary.Count).All(bar =>
            {
                var naive = Enumerable.Range(0, other.Count).LastOrDefault(k => other.EndTime(k) <= primary.EndTime(bar), -1);
                return index.BarIdxAt(0, bar) == naive;
            });
        }).Check(IndexGenerators.Config);
    }

    [Fact]
    public void A_five_minute_series_on_a_one_minute_primary_stores_a_fifth_of_the_rows()
    {
        var primary = Series("SPY_1m", Enumerable.Repeat(true, 100).ToArray());
        var other = Series("QQQ_5m", Enumerable.Repeat(true, 20).ToArray());

        var index = AlignmentIndex.Build(primary, [other]);

        Assert.Equal(20, index.RowCount);
        Assert.Equal(-1, index.BarIdxAt(0, 3));
        Assert.Equal(0, index.BarIdxAt(0, 4)); // the 13:30 5m bar ends at 13:35, the end of the 13:34 1m bar
        Assert.Equal(0, index.BarIdxAt(0, 8));
        Assert.Equal(1, index.BarIdxAt(0, 9));
    }

    [Fact]
    public void Columns_that_go_back_are_refused_naming_the_series()
    {
        var error = Assert.Throws<ArgumentException>(() =>
            new AlignmentIndex(SeriesId.Parse("SPY_1m"), [SeriesId.Parse("QQQ_5m")], [[4, 9]], [[1, 0]]));

        Assert.Contains("series QQQ_5m, row 1: bar_idx 0 is not after the previous row's 1", error.Message);
    }
}
