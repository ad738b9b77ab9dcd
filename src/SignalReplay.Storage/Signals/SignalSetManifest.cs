namespace SignalReplay.Storage.Signals;

/// <summary>
/// <c>data/indices/{signal_set}/manifest.json</c>: the inputs that name the set (lineage), what it holds,
/// and every file it covers with its sha256, size and row count (SPEC 5). It carries no wall-clock time,
/// so generating the same inputs writes the same bytes.
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
    int AlignmentRows,
    IReadOnlyDictionary<string, StoredFile> Files)
{
    /// <summary>
    /// Where the code of its plugin deciders and features comes from (<c>strategy squeeze</c> -> <c>Squeeze@1.0.0.0 sha256:...</c>), part of
    /// its id; absent when every decider is built in (the engine version stands for their code).
    /// </summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyDictionary<string, string>? Code { get; init; }

    /// <summary>3: one packed file per index kind, every file's sha256 and row count recorded.</summary>
    public const int CurrentFormatVersion = 3;

    /// <summary>
    /// Bumped whenever generation could produce other bits, or other files, from the same inputs; it is part of
    /// every id, so sets of an older engine are never reused. 3: slices update every series' features before
    /// any decision (order-independent multi-series signals), exact rolling sums.
    /// </summary>
    public const string CurrentEngine = "signalreplay-generation/3";

    /// <summary>The files of a set, relative to its folder.</summary>
    public static class FileNames
    {
        public const string Signals = "signals.parquet";
        public const string ClassifierChanges = "classifier_changes.parquet";
        public const string Alignment = "cross_references/symbol_alignment.parquet";

        public static IReadOnlyList<string> All { get; } = [ClassifierChanges, Alignment, Signals];
    }
}

/// <summary>One strategy instance's signals: primary and referenced series, changes stored, primary bars seen, and their ratio.</summary>
public sealed record SignalCounts(string PrimarySeries, IReadOnlyList<string> ReferencedSeries, int Changes, int PrimaryBars, double Density);

/// <summary>One file a manifest covers: its content's sha256 (lower-case hex), its size and its rows.</summary>
public sealed record StoredFile(string Sha256, long Bytes, long Rows);
