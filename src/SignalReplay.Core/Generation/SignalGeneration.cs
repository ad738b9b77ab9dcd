namespace SignalReplay.Core.Generation;

/// <summary>Settings of a generation pass.</summary>
public sealed record GenerationOptions
{
    /// <summary>The most bars the alignment buffer may hold (SPEC 4 max_buffer_size).</summary>
    public int MaxBufferSize { get; init; } = 20_000;

    /// <summary>Series are fed in batches covering this much time each, every batch promising its window's end.</summary>
    public TimeSpan BatchWindow { get; init; } = TimeSpan.FromDays(1);
}

/// <summary>
/// The in-process generation pipeline: bars in time-window batches -> <see cref="TimeAlignmentBuffer"/>
/// -> <see cref="SignalGenerator"/>. The grains run the same batching and the same two objects.
/// </summary>
public static class SignalGeneration
{
    public static SignalSet Run(
        IReadOnlyList<BarSeries> series,
        IReadOnlyList<Strategy> strategies,
        IReadOnlyList<KeyValuePair<string, Classifier>> classifiers,
        GenerationOptions? options = null)
    {
        options ??= new GenerationOptions();
        series = Canonical(series);
        var ids = series.Select(s => s.Id).ToArray();
        var buffer = new TimeAlignmentBuffer(ids, options.MaxBufferSize);
        var generator = new SignalGenerator(ids, strategies, classifiers);
        foreach (var window in BarBatches.Windows(series, options.BatchWindow))
        {
            for (var s = 0; s < series.Count; s++)
            {
                buffer.Add(s, BarBatches.Slice(series[s], window), through: window.End, complete: window.IsLast);
            }

            generator.Drain(buffer);
        }

        return generator.Build();
    }

    /// <summary>Series in the one order every run uses (by name), whatever order a configuration listed them in.</summary>
    public static IReadOnlyList<BarSeries> Canonical(IReadOnlyList<BarSeries> series) =>
        [.. series.OrderBy(s => s.Id.ToString(), StringComparer.Ordinal)];
}

/// <summary>Cuts series into batches by epoch-aligned time windows, so every producer cuts them the same way.</summary>
public static class BarBatches
{
    /// <summary>One window <c>[Start, End)</c> of bar start times.</summary>
    public readonly record struct Window(long Start, long End, bool IsLast);

    public static IEnumerable<Window> Windows(IReadOnlyList<BarSeries> series, TimeSpan length)
    {
        var nonEmpty = series.Where(s => s.Count > 0).ToList();
        return nonEmpty.Count == 0
            ? [new Window(0, 0, IsLast: true)]
            : Windows(nonEmpty.Min(s => s.Time[0]), nonEmpty.Max(s => s.Time[^1]), length);
    }

    /// <summary>The windows covering bar starts from <paramref name="first"/> to <paramref name="last"/>.</summary>
    public static IEnumerable<Window> Windows(long first, long last, TimeSpan length)
    {
        var millis = (long)length.TotalMilliseconds;
        if (millis <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(length), length, "The batch window must be positive.");
        }

        for (var start = first - (((first % millis) + millis) % millis); start <= last; start += millis)
        {
            yield return new Window(start, start + millis, IsLast: start + millis > last);
        }
    }

    /// <summary>The bars of <paramref name="series"/> starting inside <paramref name="window"/>.</summary>
    public static Bar[] Slice(BarSeries series, Window window)
    {
        var from = LowerBound(series.Time, window.Start);
        var to = LowerBound(series.Time, window.End);
        var bars = new Bar[to - from];
        for (var i = 0; i < bars.Length; i++)
        {
            bars[i] = series[from + i];
        }

        return bars;
    }

    private static int LowerBound(ReadOnlySpan<long> sorted, long value)
    {
        var index = sorted.BinarySearch(value);
        return index >= 0 ? index : ~index;
    }
}
