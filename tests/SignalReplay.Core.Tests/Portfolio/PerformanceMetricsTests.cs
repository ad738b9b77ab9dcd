using SignalReplay.Core.Portfolio;

namespace SignalReplay.Core.Tests.Portfolio;

public sealed class PerformanceMetricsTests
{
    private static long At(int day, int hour) => new DateTimeOffset(2024, 3, day, hour, 0, 0, TimeSpan.Zero).ToUnixTimeMilliseconds();

    [Fact]
    public void Daily_returns_compare_the_last_equity_of_consecutive_utc_dates()
    {
        // 1 March closes at 102, 2 March at 104, 3 March at 99.
        long[] time = [At(1, 14), At(1, 15), At(1, 16), At(2, 14), At(2, 15), At(3, 14)];
        double[] equity = [100, 101, 102, 101, 104, 99];

        var marks = new MetricsAccumulator();
        for (var i = 0; i < time.Length; i++)
        {
            marks.Add(time[i], equity[i], invested: false);
        }

        Assert.Equal([(104.0 / 102) - 1, (99.0 / 104) - 1], marks.DailyReturns());
        Assert.Equal([102.0, 104, 99], marks.DayEndEquity);
    }

    [Fact]
    public void Sharpe_is_mean_over_sample_deviation_times_root_252()
    {
        // r1 = 2/102 = 0.019608, r2 = -5/104 = -0.048077; mean -0.014235; sample deviation |r1 - r2| / sqrt 2 = 0.047860;
        // -0.014235 / 0.047860 = -0.297421, times sqrt 252 = 15.874508: -4.721367.
        double[] returns = [2.0 / 102, -5.0 / 104];

        Assert.Equal(-4.721367, PerformanceMetrics.SharpeOf(returns), 6);
    }

    [Fact]
    public void Sortino_divides_by_the_root_mean_square_of_losses_only()
    {
        // mean 0.006667; downside sqrt((0 + 0.0004 + 0) / 3) = 0.011547; 0.006667 / 0.011547 x 15.8745 = 9.165151.
        double[] returns = [0.01, -0.02, 0.03];

        Assert.Equal(9.165151, PerformanceMetrics.SortinoOf(returns), 6);
    }

    [Fact]
    public void Sharpe_is_undefined_with_fewer_than_two_returns_and_zero_without_spread_and_sortino_undefined_without_a_losing_day()
    {
        Assert.True(double.IsNaN(PerformanceMetrics.SharpeOf([0.05])));
        Assert.True(double.IsNaN(PerformanceMetrics.SharpeOf([])));
        Assert.Equal(0, PerformanceMetrics.SharpeOf([0.01, 0.01, 0.01]));
        Assert.True(double.IsNaN(PerformanceMetrics.SortinoOf([0.01])));
        Assert.True(double.IsNaN(PerformanceMetrics.SortinoOf([0.01, 0.02])));
    }

    [Fact]
    public void A_curve_rising_every_day_has_a_sharpe_but_no_sortino_and_no_calmar()
    {
        long[] time = [At(1, 15), At(2, 15), At(3, 15), At(4, 15)];

        var metrics = PerformanceMetrics.Compute(time, [100, 101, 103, 104], [true, true, true, true], [], 0);

        Assert.True(metrics.Sharpe > 0);
        Assert.True(double.IsNaN(metrics.Sortino));
        Assert.Equal(0, metrics.MaxDrawdown);
        Assert.True(double.IsNaN(metrics.Calmar));
    }

    [Fact]
    public void Max_drawdown_is_the_deepest_fall_from_a_running_peak()
    {
        long[] time = [At(1, 10), At(1, 11), At(1, 12), At(1, 13), At(1, 14)];
        bool[] flat = [false, false, false, false, false];

        // Peak 120 falls to 90 (25%); the later fall from 130 to 117 is only 10%.
        Assert.Equal(0.25, PerformanceMetrics.Compute(time, [100, 120, 90, 130, 117], flat, [], 0).MaxDrawdown, 12);
        Assert.Equal(0, PerformanceMetrics.Compute(time[..3], [100, 101, 102], flat[..3], [], 0).MaxDrawdown);
    }

    [Fact]
    public void Cagr_uses_calendar_days_over_365_25()
    {
        // 100 -> 121 in 730.5 days is two years of 10%.
        long start = At(1, 0);
        long[] time = [start, start + (long)(730.5 * 86_400_000)];

        Assert.Equal(0.10, PerformanceMetrics.Compute(time, [100, 121], [false, false], [], 0).Cagr, 12);
    }

    [Fact]
    public void Trade_statistics_count_closed_trades_only()
    {
        List<ClosedTrade> trades =
        [
            new("SPY", At(1, 14), At(1, 15), 10, 10, 11, 10),   // +10 on 100 committed: +10%
            new("SPY", At(1, 15), At(1, 16), -5, 20, 21, -5),   // -5 on 100 committed: -5%
            new("SPY", At(2, 14), At(2, 15), 4, 50, 55, 20),    // +20 on 200 committed: +10%
            new("SPY", At(2, 15), At(3, 14), 2, 50, 47.5, -5),  // -5 on 100 committed: -5%
        ];
        long[] time = [At(1, 14), At(2, 14), At(3, 14), At(4, 14)];
        double[] equity = [100, 100, 100, 100];

        var metrics = PerformanceMetrics.Compute(time, equity, [true, true, false, true], trades, tradedNotional: 200);

        Assert.Equal(4, metrics.TradeCount);
        Assert.Equal(0.5, metrics.WinRate);
        Assert.Equal(3.0, metrics.ProfitFactor);                 // 30 won / 10 lost
        Assert.Equal(0.025, metrics.AverageTradeReturn, 12);     // (0.10 - 0.05 + 0.10 - 0.05) / 4
        Assert.Equal(0.75, metrics.Exposure);                    // 3 of 4 bars held a position
        Assert.Equal(2.0, metrics.Turnover);                     // 200 traded / mean day-end equity 100
    }

    [Fact]
    public void Turnover_divides_traded_notional_by_the_mean_day_end_equity()
    {
        // Day 1 closes at 300 (its 100 mark at 14:00 is not a close), day 2 at 100: mean day-end equity 200.
        // A mean over every mark would be 500 / 3 and give 2.4 instead.
        long[] time = [At(1, 14), At(1, 15), At(2, 15)];

        var metrics = PerformanceMetrics.Compute(time, [100, 300, 100], [true, true, true], [], tradedNotional: 400);

        Assert.Equal(2.0, metrics.Turnover);
    }

    [Fact]
    public void Profit_factor_is_undefined_without_losses_and_win_rate_and_average_return_without_trades()
    {
        long[] time = [At(1, 14)];
        double[] equity = [100];

        var noLosses = PerformanceMetrics.Compute(time, equity, [false], [new ClosedTrade("SPY", At(1, 14), At(1, 15), 1, 10, 11, 1)], 20);
        var noTrades = PerformanceMetrics.Compute(time, equity, [false], [], 0);
        var nothing = PerformanceMetrics.Compute([], [], [], [], 0);

        Assert.True(double.IsNaN(noLosses.ProfitFactor));
        Assert.Equal(1, noLosses.WinRate);
        Assert.True(double.IsNaN(noTrades.ProfitFactor));
        Assert.True(double.IsNaN(noTrades.WinRate));
        Assert.True(double.IsNaN(noTrades.AverageTradeReturn));
        Assert.Equal(0, noTrades.TradeCount);
        Assert.All(PerformanceMetrics.Names.Where(n => n != "trade_count"), name => Assert.True(double.IsNaN(nothing.Get(name)), name));
    }

    [Fact]
    public void Calmar_is_cagr_over_max_drawdown_and_metrics_are_read_by_name()
    {
        long start = At(1, 0);
        long[] time = [start, start + (long)(365.25 * 86_400_000 / 2), start + (long)(365.25 * 86_400_000)];
        double[] equity = [100, 80, 110];

        var metrics = PerformanceMetrics.Compute(time, equity, [false, true, false], [], 0);

        Assert.Equal(0.10, metrics.Cagr, 12);                 // one year, 100 -> 110
        Assert.Equal(0.20, metrics.MaxDrawdown, 12);          // 100 -> 80
        Assert.Equal(0.5, metrics.Calmar, 12);
        Assert.Equal(0.10, metrics.TotalReturn, 12);
        Assert.Equal(metrics.Calmar, metrics.Get("calmar"));
        Assert.Contains("Unknown metric 'alpha'", Assert.Throws<ArgumentException>(() => metrics.Get("alpha")).Message);
    }

    [Theory]
    [InlineData("sharpe", "sharpe", true)]
    [InlineData("max:calmar", "calmar", true)]
    [InlineData("min:max_drawdown", "max_drawdown", false)]
    public void Objectives_name_a_metric_and_a_direction(string text, string metric, bool maximise)
    {
        Assert.Equal(new Objective(metric, maximise), Objective.Parse(text));
    }

    [Fact]
    public void Minimised_objectives_score_lower_values_higher_and_bad_ones_are_refused()
    {
        long[] time = [At(1, 14), At(2, 14)];
        var shallow = PerformanceMetrics.Compute(time, [100, 95], [true, true], [], 0);
        var deep = PerformanceMetrics.Compute(time, [100, 80], [true, true], [], 0);
        var objective = Objective.Parse("min:max_drawdown");

        Assert.True(objective.Score(shallow) > objective.Score(deep));
        Assert.Contains("unknown metric 'alpha'", Assert.Throws<ArgumentException>(() => Objective.Parse("max:alpha")).Message);
        Assert.Contains("direction must be max or min", Assert.Throws<ArgumentException>(() => Objective.Parse("up:sharpe")).Message);
    }
}
