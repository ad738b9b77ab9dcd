using System.Text.Json;
using SignalReplay.Storage.Objects;
using SignalReplay.Storage.Parquet;

namespace SignalReplay.Storage.BaseData;

/// <summary>
/// Reads and writes base datasets: immutable Parquet files, one per series, each named by its content, and a
/// manifest naming them. The manifest is the commit point: it is written last and only over the version the
/// writer read, so a series exists once the manifest names it and a file never changes under its entry.
/// </summary>
public sealed class BaseDatasetStore(IObjectStore store)
{
    /// <summary>How often a write merges again onto a manifest other writers changed first.</summary>
    private const int MaxCommitAttempts = 32;

    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        WriteIndented = true,
        // A manifest missing a field, or with null where there must be a value, is unreadable, not half-read.
        RespectNullableAnnotations = true,
        RespectRequiredConstructorParameters = true,
    };

    /// <summary>Adds <paramref name="series"/> to <paramref name="dataset"/> as <see cref="AddAsync"/> does; returns the manifest.</summary>
    public async Task<BaseDatasetManifest> WriteAsync(string dataset, IReadOnlyList<BarSeries> series, CancellationToken cancellationToken = default) =>
        (await AddAsync(dataset, series, cancellationToken)).Manifest;

    /// <summary>
    /// Adds <paramref name="series"/> to <paramref name="dataset"/> (creating it if new). A series the dataset
    /// already holds with the same content is left as it is, unless its file is damaged or missing (it is
    /// written again) or its entry predates file hashes (they are added); with other content the upload is
    /// refused (<see cref="DatasetConflictException"/>), since signal sets point into base data by row number.
    /// Writers racing on one dataset each merge onto the manifest the last one committed: uploads of different
    /// series all land, and of one new series with different bars exactly one lands and the others are refused.
    /// </summary>
    public async Task<BaseDatasetWrite> AddAsync(string dataset, IReadOnlyList<BarSeries> series, CancellationToken cancellationToken = default)
    {
        var manifestKey = ObjectKey.Parse(DataLayout.BaseManifest(dataset));
        var duplicate = series.GroupBy(s => s.Id).FirstOrDefault(group => group.Count() > 1);
        if (duplicate is not null)
        {
            throw new ArgumentException($"Dataset '{dataset}': series {duplicate.Key} is given more than once.");
        }

        var encoded = new List<(BarSeries Series, byte[] File, BaseSeriesEntry Entry)>();
        foreach (var one in series)
        {
            var file = await EncodeAsync(one, cancellationToken);
            encoded.Add((one, file, Describe(one, file)));
        }

        var written = new HashSet<string>(StringComparer.Ordinal);
        for (var attempt = 1; attempt <= MaxCommitAttempts; attempt++)
        {
            var existing = await ReadManifestWithETagAsync(dataset, cancellationToken);
            var entries = new SortedDictionary<string, BaseSeriesEntry>(existing?.Manifest.Series.ToDictionary() ?? [], StringComparer.Ordinal);
            var changed = existing is null || existing.Value.Manifest.FormatVersion != BaseDatasetManifest.CurrentFormatVersion;
            foreach (var (one, file, entry) in encoded)
            {
                if (entries.TryGetValue(one.Id.ToString(), out var held))
                {
                    if (held.ContentHash != entry.ContentHash)
                    {
                        throw new DatasetConflictException(
                            $"Dataset '{dataset}' already holds {one.Id} with other bars (content hash {held.ContentHash[..12]}, "
                            + $"new {entry.ContentHash[..12]}); base data is immutable: ingest into a new dataset name.");
                    }

                    var (intact, sha, bytes) = await InspectAsync(dataset, one.Id, held, cancellationToken);
                    if (intact)
                    {
                        changed |= held.FileSha256 is null;
                        entries[one.Id.ToString()] = held with { FileSha256 = sha, FileBytes = bytes };
                        continue;
                    }
                }

                // Named by its content: a racing writer with other bars writes another file, one with the same
                // bars the same bytes, and a damaged file of these bars is rewritten whole.
                var key = entry.KeyIn(dataset, one.Id);
                if (written.Add(key))
                {
                    await store.PutBytesAsync(ObjectKey.Parse(key), file, cancellationToken: cancellationToken);
                }

                entries[one.Id.ToString()] = entry;
                changed = true;
            }

            var manifest = new BaseDatasetManifest(dataset, BaseDatasetManifest.CurrentFormatVersion, entries);
            if (!changed)
            {
                return new BaseDatasetWrite(manifest, Changed: false);
            }

            try
            {
                using var json = new MemoryStream(JsonSerializer.SerializeToUtf8Bytes(manifest, Json));
                await store.PutAsync(
                    manifestKey,
                    json,
                    existing is null ? new ObjectWriteOptions { IfNoneMatch = true } : new ObjectWriteOptions { IfMatch = existing.Value.ETag },
                    cancellationToken);
                return new BaseDatasetWrite(manifest, Changed: true);
            }
            catch (ObjectConflictException)
            {
                // Another writer committed first: merge onto what it committed (or be refused by it).
            }
        }

        throw new DatasetConflictException(
            $"Dataset '{dataset}' changed under this upload {MaxCommitAttempts} times in a row (other uploads kept committing first); nothing of it was added: try again.");
    }

    /// <summary>Every dataset in the store (those with a manifest), by name.</summary>
    public async Task<IReadOnlyList<string>> DatasetsAsync(CancellationToken cancellationToken = default)
    {
        var names = new List<string>();
        await foreach (var info in store.ListAsync("data/base/", cancellationToken))
        {
            var parts = info.Key.Value.Split('/');
            if (parts is [_, _, var name, "manifest.json"])
            {
                names.Add(name);
            }
        }

        return names;
    }

    /// <summary>
    /// Brings a format 1 manifest up to date: each series whose file still decodes to the bars its entry
    /// describes gets its file's sha256 and size. Returns the series whose files do not (they keep no file
    /// hash; ingest their CSV files again to repair them).
    /// </summary>
    public async Task<(int Upgraded, IReadOnlyList<string> Damaged)> AddFileHashesAsync(string dataset, CancellationToken cancellationToken = default)
    {
        var existing = await ReadManifestWithETagAsync(dataset, cancellationToken)
            ?? throw new ArgumentException($"There is no base dataset '{dataset}' (no {DataLayout.BaseManifest(dataset)}).");
        var entries = new SortedDictionary<string, BaseSeriesEntry>(existing.Manifest.Series.ToDictionary(), StringComparer.Ordinal);
        var damaged = new List<string>();
        var upgraded = 0;
        foreach (var (name, entry) in existing.Manifest.Series.Where(e => e.Value.FileSha256 is null))
        {
            var series = SeriesId.Parse(name);
            var (intact, sha, bytes) = await InspectAsync(dataset, series, entry, cancellationToken);
            if (intact)
            {
                entries[name] = entry with { FileSha256 = sha, FileBytes = bytes };
                upgraded++;
            }
            else
            {
                damaged.Add(entry.KeyIn(dataset, series));
            }
        }

        if (upgraded > 0 || existing.Manifest.FormatVersion != BaseDatasetManifest.CurrentFormatVersion)
        {
            var manifest = new BaseDatasetManifest(dataset, BaseDatasetManifest.CurrentFormatVersion, entries);
            await store.PutBytesAsync(
                ObjectKey.Parse(DataLayout.BaseManifest(dataset)), JsonSerializer.SerializeToUtf8Bytes(manifest, Json), new ObjectWriteOptions { IfMatch = existing.ETag }, cancellationToken);
        }

        return (upgraded, damaged);
    }

    /// <summary>The manifest of <paramref name="dataset"/>, or null when there is no such dataset.</summary>
    public async Task<BaseDatasetManifest?> ReadManifestAsync(string dataset, CancellationToken cancellationToken = default) =>
        (await ReadManifestWithETagAsync(dataset, cancellationToken))?.Manifest;

    /// <summary>The key of <paramref name="series"/>' file in <paramref name="dataset"/>, as its manifest names it.</summary>
    public async Task<string> SeriesKeyAsync(string dataset, SeriesId series, CancellationToken cancellationToken = default) =>
        (await EntryAsync(dataset, series, cancellationToken)).KeyIn(dataset, series);

    private async Task<BaseSeriesEntry> EntryAsync(string dataset, SeriesId series, CancellationToken cancellationToken)
    {
        var manifest = await ReadManifestAsync(dataset, cancellationToken)
            ?? throw new ArgumentException($"There is no base dataset '{dataset}' (no {DataLayout.BaseManifest(dataset)}).");
        return manifest.Series.TryGetValue(series.ToString(), out var entry)
            ? entry
            : throw new ArgumentException($"Base dataset '{dataset}' has no series {series}; it has {string.Join(", ", manifest.Series.Keys)}.");
    }

    /// <summary>
    /// Reads one series and checks its bars against the manifest's content hash, so a file changed
    /// under the manifest is refused instead of silently shifting every bar_idx that points into it.
    /// </summary>
    public async Task<BarSeries> ReadSeriesAsync(string dataset, SeriesId series, CancellationToken cancellationToken = default)
    {
        var entry = await EntryAsync(dataset, series, cancellationToken);
        var key = entry.KeyIn(dataset, series);
        byte[] file;
        try
        {
            file = await store.ReadAllBytesAsync(ObjectKey.Parse(key), cancellationToken);
        }
        catch (ObjectNotFoundException)
        {
            throw new StoredDataException(key, "is missing; the dataset's manifest lists it.");
        }

        if (entry.FileSha256 is { } expected)
        {
            // Checked before decoding: a damaged file is refused by name, never handed to the Parquet reader.
            var sha = Hashing.Sha256Hex(file);
            if (sha != expected || file.LongLength != entry.FileBytes)
            {
                throw new StoredDataException(
                    key,
                    $"does not match its manifest ({file.LongLength:N0} bytes, sha256 {sha[..12]}; the manifest records {entry.FileBytes:N0} bytes, {expected[..Math.Min(12, expected.Length)]}): "
                    + "it was damaged or changed after it was written.");
            }
        }

        var bars = await BarSeriesParquet.ReadAsync(new MemoryStream(file, writable: false), key, cancellationToken);
        if (bars.Id != series)
        {
            throw new StoredDataException(key, $"holds series {bars.Id}, not {series}.");
        }

        if (bars.Count != entry.Rows)
        {
            throw new StoredDataException(key, $"holds {bars.Count:N0} bars; its manifest says {entry.Rows:N0}.");
        }

        var hash = bars.ContentHash();
        if (hash != entry.ContentHash)
        {
            throw new StoredDataException(
                key, $"does not match its manifest: content hash {hash[..12]}, manifest says {entry.ContentHash[..12]}.");
        }

        return bars;
    }

    /// <summary>
    /// Whether the stored file of a series the manifest holds is whole: it matches the entry's file hash, or
    /// (an entry from before file hashes) decodes to the entry's content. Also the file's sha256 and size.
    /// </summary>
    private async Task<(bool Intact, string Sha256, long Bytes)> InspectAsync(string dataset, SeriesId series, BaseSeriesEntry held, CancellationToken cancellationToken)
    {
        var key = held.KeyIn(dataset, series);
        byte[] file;
        try
        {
            file = await store.ReadAllBytesAsync(ObjectKey.Parse(key), cancellationToken);
        }
        catch (ObjectNotFoundException)
        {
            return (false, string.Empty, 0);
        }

        var sha = Hashing.Sha256Hex(file);
        if (held.FileSha256 is { } expected)
        {
            return (sha == expected && file.LongLength == held.FileBytes, sha, file.LongLength);
        }

        try
        {
            var bars = await BarSeriesParquet.ReadAsync(new MemoryStream(file, writable: false), key, cancellationToken);
            return (bars.Id == series && bars.Count == held.Rows && bars.ContentHash() == held.ContentHash, sha, file.LongLength);
        }
        catch (StoredDataException)
        {
            return (false, sha, file.LongLength);
        }
    }

    /// <summary>The Parquet file of <paramref name="series"/>, as it is stored.</summary>
    public static async Task<byte[]> EncodeAsync(BarSeries series, CancellationToken cancellationToken = default)
    {
        using var buffer = new MemoryStream();
        await BarSeriesParquet.WriteAsync(series, buffer, cancellationToken);
        return buffer.ToArray();
    }

    /// <summary>The manifest entry of <paramref name="series"/> stored as <paramref name="file"/>.</summary>
    public static BaseSeriesEntry Describe(BarSeries series, byte[] file)
    {
        if (series.Count == 0)
        {
            throw new ArgumentException($"Series {series.Id} has no bars.");
        }

        var sha = Hashing.Sha256Hex(file);
        return new BaseSeriesEntry(
            series.Id.Timeframe.ToString(),
            series.Count,
            DateTimeOffset.FromUnixTimeMilliseconds(series.Time[0]),
            DateTimeOffset.FromUnixTimeMilliseconds(series.Time[^1]),
            series.ContentHash(),
            sha,
            file.LongLength,
            DataLayout.BaseSeriesFileName(series.Id, sha));
    }

    private async Task<(BaseDatasetManifest Manifest, string ETag)?> ReadManifestWithETagAsync(string dataset, CancellationToken cancellationToken)
    {
        var key = DataLayout.BaseManifest(dataset);
        if (await store.ReadJsonAsync<BaseDatasetManifest>(ObjectKey.Parse(key), Json, "manifest", cancellationToken) is not { } read)
        {
            return null;
        }

        if (read.Document.FormatVersion is < 1 or > BaseDatasetManifest.CurrentFormatVersion)
        {
            throw new StoredDataException(
                key, $"is base dataset format version {read.Document.FormatVersion}; this build reads versions 1 to {BaseDatasetManifest.CurrentFormatVersion}.");
        }

        return read;
    }
}

/// <summary>What <see cref="BaseDatasetStore.AddAsync"/> left: the manifest, and whether this write committed a change to it.</summary>
public sealed record BaseDatasetWrite(BaseDatasetManifest Manifest, bool Changed);
