namespace SignalReplay.Storage.Signals;

/// <summary>
/// <c>data/indices/{signal_set}/manifest.json</c>: the inputs that name the set (lineage), and what
/// it holds. It carries no wall-clock time, so generating the same inputs writes the same bytes.
/// </summary>
public sealed record SignalSetManifest(
    string Id,
    int FormatVersion,
    string Engine,
    string Dataset,
    IReadOnlyDictionary<string, string> BaseSeriesHashes,
    IReadOnlyList<string> Strategies,
    IReadOnlyDictionary<string, string> Classifiers,
    IReadOnlyDictionary<string, int> Bars,
    IReadOnlyDictionary<string, SignalCounts> Signals,
    IReadOnlyDictionary<string, int> ClassifierChanges,
    IReadOnlyDictionary<string, string> ClassifierSeries,
    int AlignmentRows)
{
    /// <summary>2: records the series each classifier counts bars of (replay needs it).</summary>
    public const int CurrentFormatVersion = 2;

    /// <summary>Bumped whenever generation could produce other bits, or other files, from the same inputs; it is part of every id.</summary>
    public const string CurrentEngine = "signalreplay-generation/2";
}

/// <summary>One strategy instance's signals: changes stored, primary bars seen, and their ratio.</summary>
public sealed record SignalCounts(string PrimarySeries, int Changes, int PrimaryBars, double Density);
