using SignalReplay.Core.Indices;

namespace SignalReplay.Core.Generation;

/// <summary>
/// Everything one generation pass captures (SPEC 5): signal indices, classifier changes, alignment,
/// bar counts, and the series whose bars each classifier's bar_idx counts.
/// </summary>
public sealed record SignalSet(
    IReadOnlyList<SignalIndex> Signals,
    IReadOnlyList<ClassifierChangeIndex> ClassifierChanges,
    IReadOnlyList<AlignmentIndex> Alignments,
    IReadOnlyDictionary<SeriesId, int> BarsPerSeries,
    IReadOnlyDictionary<string, SeriesId> ClassifierSeries)
{
    public long BarsProcessed => BarsPerSeries.Values.Sum(count => (long)count);
}

/// <summary>
/// A SIGNAL event: a strategy's target changed at a bar of its primary series. It carries the bar
/// and its end time, so a consumer (capture, or a portfolio in full mode) needs nothing else.
/// </summary>
public readonly record struct SignalEvent(string StrategyInstance, SeriesId Primary, int BarIdx, long EndTime, Bar Bar, double PreviousValue, double Value);
