using MathNet.Numerics.Distributions;

namespace SignalReplay.Core.Statistics;

/// <summary>What a return series says about its Sharpe ratio: the per-period Sharpe and the moments its error depends on.</summary>
/// <param name="Sharpe">Mean over sample standard deviation, per period (not annualized); NaN with fewer than 2 returns or none varying.</param>
/// <param name="Skewness">The third standardized moment (0 for normal returns).</param>
/// <param name="Kurtosis">The fourth standardized moment, not in excess (3 for normal returns).</param>
/// <param name="Observations">How many returns.</param>
public sealed record SharpeMoments(double Sharpe, double Skewness, double Kurtosis, int Observations)
{
    public static SharpeMoments Of(IReadOnlyList<double> returns)
    {
        if (returns.Count < 2)
        {
            return new SharpeMoments(double.NaN, double.NaN, double.NaN, returns.Count);
        }

        var mean = 0.0;
        foreach (var r in returns)
        {
            mean += r;
        }

        mean /= returns.Count;
        double m2 = 0, m3 = 0, m4 = 0;
        foreach (var r in returns)
        {
            var d = r - mean;
            var d2 = d * d;
            m2 += d2;
            m3 += d2 * d;
            m4 += d2 * d2;
        }

        if (m2 == 0)
        {
            return new SharpeMoments(double.NaN, double.NaN, double.NaN, returns.Count);
        }

        var n = returns.Count;
        var sampleStd = Math.Sqrt(m2 / (n - 1));
        var populationVariance = m2 / n;
        return new SharpeMoments(
            mean / sampleStd,
            m3 / n / Math.Pow(populationVariance, 1.5),
            m4 / n / (populationVariance * populationVariance),
            n);
    }
}

/// <summary>
/// The Probabilistic and Deflated Sharpe Ratios of Bailey and Lopez de Prado ("The Sharpe Ratio Efficient Frontier",
/// 2012; "The Deflated Sharpe Ratio", 2014): how likely a Sharpe ratio measured on T returns with the given skewness
/// and kurtosis exceeds a benchmark, and the benchmark that N trials of zero skill would reach by luck alone.
/// Every Sharpe here is per period, as its returns are.
/// </summary>
public static class SharpeStatistics
{
    private const double EulerGamma = 0.5772156649015329;

    /// <summary>
    /// PSR: the probability that the true Sharpe exceeds <paramref name="benchmark"/>, given <paramref name="observed"/>
    /// measured on <paramref name="observations"/> returns: Φ((SR − SR*)·√(T − 1) / √(1 − γ₃·SR + (γ₄ − 1)/4·SR²)).
    /// NaN when the Sharpe is undefined or there are fewer than 2 returns.
    /// </summary>
    public static double Probabilistic(double observed, double benchmark, int observations, double skewness, double kurtosis)
    {
        var variance = 1 - (skewness * observed) + ((kurtosis - 1) / 4 * observed * observed);
        if (observations < 2 || !double.IsFinite(observed) || !double.IsFinite(variance) || variance <= 0)
        {
            return double.NaN;
        }

        return Normal.CDF(0, 1, (observed - benchmark) * Math.Sqrt(observations - 1) / Math.Sqrt(variance));
    }

    /// <inheritdoc cref="Probabilistic(double, double, int, double, double)"/>
    public static double Probabilistic(SharpeMoments moments, double benchmark) =>
        Probabilistic(moments.Sharpe, benchmark, moments.Observations, moments.Skewness, moments.Kurtosis);

    /// <summary>
    /// The Sharpe the best of <paramref name="trials"/> independent trials of zero true Sharpe is expected to show, when
    /// the trials' Sharpe estimates vary with <paramref name="trialVariance"/>:
    /// √V · ((1 − γ)·Φ⁻¹(1 − 1/N) + γ·Φ⁻¹(1 − 1/(N·e))), γ the Euler-Mascheroni constant; 0 for one trial (nothing was selected).
    /// </summary>
    public static double ExpectedMaximum(int trials, double trialVariance)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(trials, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(trialVariance);
        return trials == 1
            ? 0
            : Math.Sqrt(trialVariance) * (((1 - EulerGamma) * Normal.InvCDF(0, 1, 1 - (1.0 / trials))) + (EulerGamma * Normal.InvCDF(0, 1, 1 - (1.0 / (trials * Math.E)))));
    }

    /// <summary>DSR: the PSR of the chosen trial against the expected maximum Sharpe of all <paramref name="trials"/>.</summary>
    public static double Deflated(SharpeMoments chosen, int trials, double trialVariance) =>
        Probabilistic(chosen, ExpectedMaximum(trials, trialVariance));
}
