using System.Diagnostics;

namespace SignalReplay.Benchmarks;

/// <summary>
/// Wall times of one path: the first run (JIT still compiling, first loads) and the timed runs after it.
/// A path too slow to repeat is measured by its first run alone (zero runs after it).
/// </summary>
internal sealed record Timings(double First, double[] Sorted)
{
    public double Median => Sorted.Length == 0 ? First : Sorted[Sorted.Length / 2];

    public double Min => Sorted.Length == 0 ? First : Sorted[0];

    /// <summary>Runs <paramref name="action"/> once (its time is <see cref="First"/>), then <paramref name="runs"/> timed times.</summary>
    public static async Task<Timings> MeasureAsync(int runs, Func<Task> action)
    {
        var clock = Stopwatch.StartNew();
        await action();
        var first = clock.Elapsed.TotalSeconds;
        var seconds = new double[runs];
        for (var i = 0; i < runs; i++)
        {
            clock.Restart();
            await action();
            seconds[i] = clock.Elapsed.TotalSeconds;
        }

        Array.Sort(seconds);
        return new Timings(first, seconds);
    }

    public static Timings Measure(int runs, Action action) =>
        MeasureAsync(runs, () => { action(); return Task.CompletedTask; }).GetAwaiter().GetResult();
}

/// <summary>Two paths timed in turn, A B A B ..., after one warm-up of each: each path's times and the ratio A/B pair by pair.</summary>
internal sealed record Paired(Timings A, Timings B, double[] SortedRatios)
{
    public double MedianRatio => SortedRatios[SortedRatios.Length / 2];

    public static async Task<Paired> MeasureAsync(int runs, Func<Task> a, Func<Task> b)
    {
        var clock = Stopwatch.StartNew();
        await a();
        var firstA = clock.Elapsed.TotalSeconds;
        clock.Restart();
        await b();
        var firstB = clock.Elapsed.TotalSeconds;
        var (timesA, timesB, ratios) = (new double[runs], new double[runs], new double[runs]);
        for (var i = 0; i < runs; i++)
        {
            clock.Restart();
            await a();
            timesA[i] = clock.Elapsed.TotalSeconds;
            clock.Restart();
            await b();
            timesB[i] = clock.Elapsed.TotalSeconds;
            ratios[i] = timesA[i] / timesB[i];
        }

        Array.Sort(timesA);
        Array.Sort(timesB);
        Array.Sort(ratios);
        return new Paired(new Timings(firstA, timesA), new Timings(firstB, timesB), ratios);
    }
}
