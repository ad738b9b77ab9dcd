using System.Text.Json.Serialization;

namespace SignalReplay.Storage.BaseData;

/// <summary>What <c>data/base/{dataset}/manifest.json</c> says: one entry per series, sorted by name.</summary>
public sealed record BaseDatasetManifest(
    string Dataset,
    int FormatVersion,
    IReadOnlyDictionary<string, BaseSeriesEntry> Series)
{
    /// <summary>
    /// 2: every series records its file's sha256 and size beside its content hash. 3: new series files are named
    /// by their content and the entry names its file (entries carried over from format 2 keep the SPEC 5 name).
    /// </summary>
    public const int CurrentFormatVersion = 3;

    /// <summary>A hash of every series' name and content hash: changes when any bar of the dataset changes.</summary>
    [JsonIgnore]
    public string ContentHash => Hashing.Sha256Hex(string.Join('\n', Series.Select(entry => $"{entry.Key}:{entry.Value.ContentHash}")));
}

/// <summary>
/// One series of a base dataset: its size, time span, the content hash of its bars (whatever the encoding),
/// the sha256 and size of its Parquet file (absent in format 1 manifests; <c>migrate</c> adds them), and the
/// file's name in the dataset's folder (absent before format 3: the file is <c>{SERIES}.parquet</c>).
/// </summary>
public sealed record BaseSeriesEntry(
    string Timeframe,
    int Rows,
    DateTimeOffset FirstTs,
    DateTimeOffset LastTs,
    string ContentHash,
    string? FileSha256 = null,
    long? FileBytes = null,
    string? File = null)
{
    /// <summary>The key of the series' file in <paramref name="dataset"/>.</summary>
    public string KeyIn(string dataset, SeriesId series) =>
        File is { } name ? DataLayout.BaseDatasetFile(dataset, name) : DataLayout.BaseSeries(dataset, series);
}

/// <summary>
/// An upload that conflicts with what the dataset holds: other bars for a series it has, or writers that kept
/// committing other changes first. Nothing of the refused upload is in the manifest.
/// </summary>
public sealed class DatasetConflictException(string message) : Exception(message);
