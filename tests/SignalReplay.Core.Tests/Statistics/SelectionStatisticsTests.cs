using SignalReplay.Core.Statistics;

namespace SignalReplay.Core.Tests.Statistics;

public sealed class SelectionStatisticsTests
{
    private const long Day = 86_400_000;

    [Fact]
    public void The_sharpe_spread_is_the_sample_variance_one_trial_at_a_time_and_combined_across_phases()
    {
        double[] grid = [1.2, -0.4, 0.9, double.NaN, 2.5, 0.1];
        double[] regime = [3.1, -1.7, 0.6];
        var defined = grid.Concat(regime).Where(double.IsFinite).ToList();
        var mean = defined.Average();
        var twoPass = defined.Sum(s => (s - mean) * (s - mean)) / (defined.Count - 1);

        var first = grid.Aggregate(default(SharpeSpread), (s, x) => s.Add(x));
        var second = regime.Aggregate(default(SharpeSpread), (s, x) => s.Add(x));
        var combined = first.Combine(second);

        Assert.Equal(5, first.Count); // the undefined Sharpe is left out
        Assert.Equal(defined.Count, combined.Count);
        Assert.Equal(twoPass, combined.Variance, 12);
        Assert.Equal(mean, combined.Mean, 12);
        Assert.Equal(defined.Aggregate(default(SharpeSpread), (s, x) => s.Add(x)).Variance, combined.Variance, 12);
        Assert.Equal(first, first.Combine(default));
        Assert.Equal(first, default(SharpeSpread).Combine(first));
        Assert.Equal(0, default(SharpeSpread).Add(1.5).Variance);
    }

    [Fact]
    public void Daily_returns_of_several_curves_use_only_the_dates_every_curve_marked()
    {
        // Curve b did not mark day 2 (its series had no bar): the returns run over days 0, 1, 3 for both.
        var a = (Time: new long[] { (0 * Day) + 5, (1 * Day) + 5, (2 * Day) + 5, (3 * Day) + 5 }, Equity: new[] { 100.0, 110, 99, 121 });
        var b = (Time: new long[] { (0 * Day) + 9, (1 * Day) + 9, (3 * Day) + 9 }, Equity: new[] { 50.0, 40, 60 });

        var returns = DailyReturns.OnCommonDates([a, b]);

        Assert.Equal([(110.0 / 100) - 1, (121.0 / 110) - 1], returns[0]);
        Assert.Equal([(40.0 / 50) - 1, (60.0 / 40) - 1], returns[1]);
        Assert.Equal([(110.0 / 100) - 1, (99.0 / 110) - 1, (121.0 / 99) - 1], DailyReturns.Of(a.Equity));
        Assert.Empty(DailyReturns.Of([100.0]));
    }

    [Fact]
    public void A_pbo_sample_takes_every_trial_of_a_small_grid_and_the_best_plus_an_even_spread_of_a_large_one()
    {
        Assert.Equal([0, 1, 2, 3, 4], OverfittingEstimate.Sample(5, 200, [3]));

        var sample = OverfittingEstimate.Sample(1_722, 200, [1_700, 5, 901]);

        Assert.Equal(200, sample.Length);
        Assert.Equal(sample.Order(), sample);
        Assert.Equal(sample.Length, sample.Distinct().Count());
        Assert.Contains(1_700, sample);
        Assert.Contains(901, sample);
        Assert.Contains(0, sample);
        Assert.True(sample[^1] > 1_600, "The sample spreads over the whole plan.");
        Assert.Equal(sample, OverfittingEstimate.Sample(1_722, 200, [1_700, 5, 901]));
    }

    [Fact]
    public void A_pbo_estimate_says_why_it_is_undefined_when_the_curves_are_too_short_or_too_few()
    {
        var time = Enumerable.Range(0, 20).Select(d => d * Day).ToArray();
        var flat = (time, Enumerable.Repeat(100.0, 20).ToArray());
        var rising = (time, Enumerable.Range(0, 20).Select(d => 100.0 + d).ToArray());

        var short_ = OverfittingEstimate.Of([flat, rising], partitions: 16);
        var alone = OverfittingEstimate.Of([rising], partitions: 4);

        Assert.True(double.IsNaN(short_.Probability));
        Assert.Equal("PBO with S = 16 partitions needs at least 32 periods of returns; there are 19.", short_.WhyNot);
        Assert.True(double.IsNaN(alone.Probability));
        Assert.Equal("PBO compares trials: it needs at least 2, not 1.", alone.WhyNot);
    }

    [Fact]
    public void A_pbo_estimate_over_curves_equals_cscv_over_their_daily_returns()
    {
        var random = new Random(7);
        var time = Enumerable.Range(0, 120).Select(d => (d * Day) + 1).ToArray();
        var curves = Enumerable.Range(0, 12).Select(_ =>
        {
            var equity = new double[time.Length];
            equity[0] = 100;
            for (var d = 1; d < equity.Length; d++)
            {
                equity[d] = equity[d - 1] * (1 + (0.01 * (random.NextDouble() - 0.5)));
            }

            return (time, equity);
        }).ToList();

        var estimate = OverfittingEstimate.Of(curves, partitions: 8);

        Assert.Equal(BacktestOverfitting.Cscv([.. curves.Select(c => DailyReturns.Of(c.equity))], 8).Probability, estimate.Probability);
        Assert.Equal((12, 8, null), (estimate.Trials, estimate.Partitions, estimate.WhyNot));
    }

    [Fact]
    public void The_statistics_deflate_the_choice_by_the_trials_in_annualized_units()
    {
        // Annualized Sharpes vary with variance 0.5 over 100 trials; the choice's daily moments as in the paper's example.
        var spread = Enumerable.Range(0, 100).Aggregate(default(SharpeSpread), (s, i) => s.Add(i % 2 == 0 ? 1 - Math.Sqrt(0.5 * 99 / 100) : 1 + Math.Sqrt(0.5 * 99 / 100)));
        var choice = new SharpeMoments(2.5 / Math.Sqrt(252), -3, 10, 1_250);
        var pbo = new OverfittingEstimate(0.25, 100, 16);

        var statistics = SelectionStatistics.Of(100, spread, choice, pbo);

        Assert.Equal(0.5, spread.Variance, 12);
        Assert.Equal(SharpeStatistics.Deflated(choice, 100, 0.5 / 252), statistics.DeflatedSharpe, 12);
        Assert.Equal(SharpeStatistics.Probabilistic(choice, 0), statistics.Psr, 12);
        Assert.Equal(SharpeStatistics.ExpectedMaximum(100, 0.5 / 252) * Math.Sqrt(252), statistics.ExpectedMaxSharpe, 12);
        Assert.Equal((100, 0.25, 100, 16, 1_250), (statistics.Trials, statistics.Pbo, statistics.PboTrials, statistics.PboPartitions, statistics.Observations));
        Assert.Empty(statistics.Notes);
        Assert.True(statistics.DeflatedSharpe < statistics.Psr, "Deflating by 100 trials lowers the probability.");
    }

    [Fact]
    public void Undefined_statistics_are_nan_with_a_note_saying_why()
    {
        var none = SelectionStatistics.Of(30, default(SharpeSpread).Add(1), choice: null, overfitting: new OverfittingEstimate(double.NaN, 1, 16, "PBO compares trials: it needs at least 2, not 1."));
        var flat = SelectionStatistics.Of(1, default, SharpeMoments.Of([0.0, 0.0, 0.0]), overfitting: null);

        Assert.True(double.IsNaN(none.Psr) && double.IsNaN(none.DeflatedSharpe) && double.IsNaN(none.Pbo));
        Assert.Equal(
            [
                "the trials' Sharpe spread needs 2 defined Sharpes, there is 1: nothing is deflated.",
                "the run has no choice: PSR and deflated Sharpe are undefined.",
                "PBO compares trials: it needs at least 2, not 1.",
            ],
            none.Notes);
        Assert.True(double.IsNaN(flat.Psr));
        Assert.Contains("the choice's Sharpe is undefined on its 3 daily returns: PSR and deflated Sharpe are undefined.", flat.Notes);
        Assert.Equal(0, flat.ExpectedMaxSharpe);
    }
}
