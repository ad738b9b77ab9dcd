using BenchmarkDotNet.Attributes;
using SignalReplay.Core.Statistics;

namespace SignalReplay.Benchmarks;

/// <summary>
/// The Probability of Backtest Overfitting of a grid phase as a run computes it: CSCV over the default sample of
/// 200 trials' daily returns on GOOG_1d's length (2,147 returns), S = 16 (12,870 splits).
/// </summary>
[MemoryDiagnoser]
public class SelectionStatisticsBenchmarks
{
    private double[][] _returns = [];

    [Params(16)]
    public int Partitions { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(7);
        _returns = [.. Enumerable.Range(0, 200).Select(t => Enumerable.Range(0, 2_147).Select(_ => (random.NextDouble() - 0.5 + (t * 1e-4)) * 0.02).ToArray())];
    }

    [Benchmark]
    public double Cscv() => BacktestOverfitting.Cscv(_returns, Partitions).Probability;
}
