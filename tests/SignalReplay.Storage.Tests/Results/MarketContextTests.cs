using SignalReplay.Core.Indices;
using SignalReplay.Storage.Results;

namespace SignalReplay.Storage.Tests.Results;

/// <summary>What a report sets the choice against: buy-and-hold of its series, and a classifier's regimes over its price.</summary>
public sealed class MarketContextTests
{
    private static readonly DateTimeOffset Start = new(2024, 1, 2, 0, 0, 0, TimeSpan.Zero);

    private static BarSeries Daily(string symbol, params double[] closes)
    {
        var time = closes.Select((_, i) => Start.AddDays(i).ToUnixTimeMilliseconds()).ToArray();
        return new BarSeries(new SeriesId(symbol, Timeframe.Parse("1d")), time, closes, closes, closes, closes, [.. closes.Select(_ => 1.0)]);
    }

    private static EquityRow Day(int day, double equity) => new("p", Start.AddDays(day).AddHours(23), equity, 0);

    [Fact]
    public void Buy_and_hold_starts_at_the_choices_first_equity_and_grows_with_the_mean_of_its_series()
    {
        var spy = Daily("SPY", 100, 110, 121);
        var qqq = Daily("QQQ", 50, 50, 25);
        IReadOnlyList<IReadOnlyList<EquityRow>> curves = [[Day(0, 1_000), Day(1, 1_005)], [Day(2, 990)]];

        var alone = BuyAndHold.Of([spy], curves)!;
        var both = BuyAndHold.Of([spy, qqq], curves)!;

        Assert.Equal([1_000, 1_100, 1_210], alone.Curve.Select(r => Math.Round(r.Equity, 9)));
        Assert.All(alone.Curve, r => Assert.Equal(0, r.Drawdown));
        Assert.Equal([1_000, 1_050, 855], both.Curve.Select(r => Math.Round(r.Equity, 9)));
        Assert.Equal(1 - (855.0 / 1_050), both.Curve[^1].Drawdown, 12); // below the peak of day 1
        Assert.Equal(["SPY_1d", "QQQ_1d"], both.Series);
        Assert.Equal(curves.SelectMany(c => c).Select(r => r.Time), both.Curve.Select(r => r.Time));
    }

    [Fact]
    public void Walk_forward_windows_are_drawn_in_drawdown_below_the_chained_curves_peak()
    {
        IReadOnlyList<IReadOnlyList<EquityRow>> windows = [[Day(0, 1_000), Day(1, 1_200)], [Day(2, 1_100) with { Drawdown = 0 }, Day(3, 1_320)]];

        var chained = RunReport.ChainedDrawdown(windows);

        Assert.Equal([0, 0, 1 - (1_100 / 1_200.0), 0], chained.SelectMany(c => c).Select(r => r.Drawdown));
        Assert.Same(windows[0], RunReport.ChainedDrawdown([windows[0]])[0]); // one curve: its own drawdown
    }

    [Fact]
    public void Buy_and_hold_is_left_out_when_a_series_starts_after_the_choice()
    {
        var late = new BarSeries(new SeriesId("LATE", Timeframe.Parse("1d")), [Start.AddDays(5).ToUnixTimeMilliseconds()], [1.0], [1.0], [1.0], [1.0], [1.0]);

        Assert.Null(BuyAndHold.Of([late], [[Day(0, 1_000)]]));
    }

    [Fact]
    public void The_traded_series_of_a_portfolio_are_each_strategys_primary_series_in_order()
    {
        Assert.Equal(
            [SeriesId.Parse("SPY_1m"), SeriesId.Parse("QQQ_5m"), SeriesId.Parse("BRK.B_1M")],
            MarketContext.Traded("ensemble(UP=0.5@momentum(fast=5,slow=40)@SPY_1m+IWM_1d,DOWN=0.5@breakout(length=20)@QQQ_5m)|ff=1|x=1@SPY_1m|y@BRK.B_1M"));
        Assert.Empty(MarketContext.Traded("no series here|ff=1"));
    }

    [Fact]
    public void Regime_bands_cover_each_span_a_label_held_within_the_phase_range()
    {
        var minutes = Enumerable.Range(0, 10).Select(i => Start.AddMinutes(i).ToUnixTimeMilliseconds()).ToArray();
        double[] closes = [.. Enumerable.Range(0, 10).Select(i => 100.0 + i)];
        var series = new BarSeries(SeriesId.Parse("SPY_1m"), minutes, closes, closes, closes, closes, closes);
        var changes = new ClassifierChangeIndex("trend", [0, 4, 7], [null, "A", "B"], ["A", "B", "A"]);

        var whole = RegimeBands.Of("regime", changes, series, range: null);

        Assert.Equal(["A", "B"], whole.Labels);
        Assert.Equal([(minutes[0], minutes[4], "A"), (minutes[4], minutes[7], "B"), (minutes[7], minutes[9] + 60_000, "A")], whole.Bands);
        Assert.Equal(minutes.Zip(closes), whole.Price);
        Assert.Equal("SPY_1m", whole.Series);
    }
}
