using System.Text.Json.Serialization;

namespace SignalReplay.Storage.BaseData;

/// <summary>What <c>data/base/{dataset}/manifest.json</c> says: one entry per series, sorted by name.</summary>
public sealed record BaseDatasetManifest(
    string Dataset,
    int FormatVersion,
    IReadOnlyDictionary<string, BaseSeriesEntry> Series)
{
    /// <summary>2: every series records its file's sha256 and size beside its content hash.</summary>
    public const int CurrentFormatVersion = 2;

    /// <summary>A hash of every series' name and content hash: changes when any bar of the dataset changes.</summary>
    [JsonIgnore]
    public string ContentHash => Hashing.Sha256Hex(string.Join('\n', Series.Select(entry => $"{entry.Key}:{entry.Value.ContentHash}")));
}

/// <summary>
/// One series of a base dataset: its size, time span, the content hash of its bars (whatever the encoding),
/// and the sha256 and size of its Parquet file (absent in format 1 manifests; <c>migrate</c> adds them).
/// </summary>
public sealed record BaseSeriesEntry(
    string Timeframe,
    int Rows,
    DateTimeOffset FirstTs,
    DateTimeOffset LastTs,
    string ContentHash,
    string? FileSha256 = null,
    long? FileBytes = null);
