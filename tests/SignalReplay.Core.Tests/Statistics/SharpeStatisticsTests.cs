using SignalReplay.Core.Statistics;

namespace SignalReplay.Core.Tests.Statistics;

public sealed class SharpeStatisticsTests
{
    [Fact]
    public void The_deflated_sharpe_ratio_of_the_papers_numerical_example()
    {
        // Bailey & Lopez de Prado (2014), section 5: an annualized Sharpe of 2.5 over 5 years of daily returns
        // (T = 1,250, 250 a year), skewness -3, kurtosis 10, the best of N = 100 trials whose annualized Sharpe
        // estimates vary with variance 0.5. The paper finds SR0 = 0.1132 (per day) and DSR = 0.9004.
        var sharpe = 2.5 / Math.Sqrt(250);
        var benchmark = SharpeStatistics.ExpectedMaximum(trials: 100, trialVariance: 0.5 / 250);

        var deflated = SharpeStatistics.Deflated(new SharpeMoments(sharpe, -3, 10, 1_250), trials: 100, trialVariance: 0.5 / 250);

        Assert.Equal(0.1132, benchmark, 4);
        Assert.Equal(0.9004, deflated, 3);
    }

    [Fact]
    public void The_probabilistic_sharpe_ratio_in_closed_form()
    {
        // At its own Sharpe as benchmark, PSR is one half; with normal moments it is Φ((SR − SR*)·√(T−1)/√(1 + SR²/2)).
        Assert.Equal(0.5, SharpeStatistics.Probabilistic(0.1, 0.1, 500, -1, 7), 12);
        var expected = MathNet.Numerics.Distributions.Normal.CDF(0, 1, (0.1 - 0.02) * Math.Sqrt(499) / Math.Sqrt(1 + (0.1 * 0.1 / 2)));
        Assert.Equal(expected, SharpeStatistics.Probabilistic(0.1, 0.02, 500, 0, 3), 12);

        // Negative skew and fat tails widen the Sharpe's error: the same Sharpe is less probably above zero.
        Assert.True(SharpeStatistics.Probabilistic(0.05, 0, 250, -2, 12) < SharpeStatistics.Probabilistic(0.05, 0, 250, 0, 3));
        Assert.True(double.IsNaN(SharpeStatistics.Probabilistic(double.NaN, 0, 250, 0, 3)));
        Assert.True(double.IsNaN(SharpeStatistics.Probabilistic(0.05, 0, 1, 0, 3)));
    }

    [Fact]
    public void The_expected_maximum_grows_with_the_trials_and_is_zero_for_one()
    {
        Assert.Equal(0, SharpeStatistics.ExpectedMaximum(1, 0.01));
        var maxima = new[] { 2, 10, 100, 1_000, 1_000_000 }.Select(n => SharpeStatistics.ExpectedMaximum(n, 1)).ToList();
        Assert.Equal(maxima.Order(), maxima);

        // For many trials it approaches the expected maximum of N standard normals (about 4.86 for a million, within its Gumbel approximation).
        Assert.InRange(maxima[^1], 4.7, 5.0);
    }

    [Fact]
    public void Moments_of_a_return_series()
    {
        double[] returns = [0.01, -0.02, 0.03, 0.0, 0.015, -0.005];
        var mean = returns.Average();
        var sample = Math.Sqrt(returns.Sum(r => (r - mean) * (r - mean)) / (returns.Length - 1));

        var moments = SharpeMoments.Of(returns);

        Assert.Equal(mean / sample, moments.Sharpe, 12);
        Assert.Equal(MathNet.Numerics.Statistics.Statistics.PopulationSkewness(returns), moments.Skewness, 10);
        Assert.Equal(MathNet.Numerics.Statistics.Statistics.PopulationKurtosis(returns) + 3, moments.Kurtosis, 10);
        Assert.Equal(6, moments.Observations);
        Assert.True(double.IsNaN(SharpeMoments.Of([0.01]).Sharpe), "a Sharpe of one return is undefined, not 0");
        Assert.True(double.IsNaN(SharpeMoments.Of([0.01, 0.01, 0.01]).Sharpe), "a Sharpe of returns that never vary is undefined");
    }
}
