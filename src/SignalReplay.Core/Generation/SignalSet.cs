using SignalReplay.Core.Indices;

namespace SignalReplay.Core.Generation;

/// <summary>Everything one generation pass captures (SPEC 5): signal indices, classifier changes, alignment, and counts.</summary>
public sealed record SignalSet(
    IReadOnlyList<SignalIndex> Signals,
    IReadOnlyList<ClassifierChangeIndex> ClassifierChanges,
    IReadOnlyList<AlignmentIndex> Alignments,
    IReadOnlyDictionary<SeriesId, int> BarsPerSeries)
{
    public long BarsProcessed => BarsPerSeries.Values.Sum(count => (long)count);
}
