using SignalReplay.Core.Statistics;

namespace SignalReplay.Core.Tests.Statistics;

public sealed class BacktestOverfittingTests
{
    private const int Periods = 1_024;

    /// <summary>A trial's returns, constant within each of 16 blocks of 64 periods plus a small alternating wiggle so each block varies.</summary>
    private static double[] Blocky(Func<int, double> block) =>
        [.. Enumerable.Range(0, Periods).Select(i => block(i / 64) + (i % 2 == 0 ? 1e-3 : -1e-3))];

    private static double[][] Noise(int trials, ulong seed, double edge = 0, bool demeaned = false)
    {
        var random = new Random((int)seed);
        return [.. Enumerable.Range(0, trials).Select(t =>
        {
            var returns = Enumerable.Range(0, Periods).Select(_ => Gaussian(random) + (t == 0 ? edge : 0)).ToArray();
            if (demeaned)
            {
                // Each trial's Sharpe over the whole sample made exactly zero, as in the paper's Monte Carlo of no skill.
                var mean = returns.Average();
                for (var i = 0; i < returns.Length; i++)
                {
                    returns[i] -= mean;
                }
            }

            return returns;
        })];
    }

    private static double Gaussian(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());

    [Fact]
    public void A_trial_best_in_every_block_never_overfits()
    {
        // Closed form: it is the in-sample best of every split and the out-of-sample best too, λ = ln(N).
        var trials = new[] { Blocky(b => 0.01), Blocky(b => 0.002 * (b % 3)), Blocky(b => -0.001) };

        var report = BacktestOverfitting.Cscv(trials);

        Assert.Equal(0, report.Probability);
        Assert.Equal(12_870, report.Splits); // C(16, 8)
        Assert.All(report.Logits, l => Assert.Equal(Math.Log(3), l, 12));
    }

    [Fact]
    public void Mirrored_trials_of_zero_total_always_overfit()
    {
        // Closed form: trial B is −A and A's blocks sum to zero (no 8 of them do), so in every split the in-sample
        // best is the one whose out-of-sample sum is the negative of its in-sample sum: the out-of-sample worst, PBO = 1.
        double Value(int b) => b < 15 ? Math.Pow(2, b) / 1e5 : -(Math.Pow(2, 15) - 1) / 1e5;
        var a = Blocky(Value);
        var trials = new[] { a, a.Select(r => -r).ToArray() };

        var report = BacktestOverfitting.Cscv(trials);

        Assert.Equal(1, report.Probability);
        Assert.All(report.Logits, l => Assert.Equal(Math.Log(0.5), l, 12));
    }

    [Fact]
    public void Pure_noise_of_zero_sharpe_overfits_nearly_always_and_one_real_edge_among_noise_almost_never()
    {
        var noise = BacktestOverfitting.Cscv(Noise(50, seed: 7, demeaned: true));
        var plain = BacktestOverfitting.Cscv(Noise(50, seed: 8));
        var edge = BacktestOverfitting.Cscv(Noise(50, seed: 9, edge: 0.25));

        Assert.True(noise.Probability > 0.9, $"zero-Sharpe noise: PBO {noise.Probability:F3}");
        Assert.InRange(plain.Probability, 0.25, 0.75); // iid noise: the in-sample best ranks at random out of sample
        Assert.True(edge.Probability < 0.05, $"one edge among noise: PBO {edge.Probability:F3}");
    }

    [Fact]
    public void Inputs_that_cannot_be_cross_validated_are_refused()
    {
        Assert.Contains("at least 2", Assert.Throws<ArgumentException>(() => BacktestOverfitting.Cscv([new double[64]])).Message);
        Assert.Contains("lengths differ", Assert.Throws<ArgumentException>(() => BacktestOverfitting.Cscv([new double[64], new double[65]])).Message);
        Assert.Contains("even", Assert.Throws<ArgumentException>(() => BacktestOverfitting.Cscv([new double[64], new double[64]], partitions: 5)).Message);
        Assert.Contains("at least 32 periods", Assert.Throws<ArgumentException>(() => BacktestOverfitting.Cscv([new double[20], new double[20]])).Message);
    }
}
