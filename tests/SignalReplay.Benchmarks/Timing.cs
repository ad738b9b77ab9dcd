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
