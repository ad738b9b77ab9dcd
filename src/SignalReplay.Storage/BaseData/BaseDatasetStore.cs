using System.Text.Json;
using SignalReplay.Storage.Objects;
using SignalReplay.Storage.Parquet;

namespace SignalReplay.Storage.BaseData;

/// <summary>
/// Reads and writes base datasets: immutable Parquet files, one per series, and a manifest
/// that is written last, so a series exists only once the manifest names it.
/// </summary>
public sealed class BaseDatasetStore(IObjectStore store)
{
    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        WriteIndented = true,
        // A manifest missing a field, or with null where there must be a value, is unreadable, not half-read.
        RespectNullableAnnotations = true,
        RespectRequiredConstructorParameters = true,
    };

    /// <summary>
    /// Adds <paramref name="series"/> to <paramref name="dataset"/> (creating it if new). A series the
    /// dataset already holds with the same content is left as it is, unless its file is damaged or missing
    /// (it is written again) or its entry predates file hashes (they are added); with other content it is
    /// refused, since signal sets point into base data by row number.
    /// </summary>
    public async Task<BaseDatasetManifest> WriteAsync(string dataset, IReadOnlyList<BarSeries> series, CancellationToken cancellationToken = default)
    {
        var manifestKey = ObjectKey.Parse(DataLayout.BaseManifest(dataset));
        var existing = await ReadManifestWithETagAsync(dataset, cancellationToken);
        var entries = new SortedDictionary<string, BaseSeriesEntry>(
            existing?.Manifest.Series.ToDictionary() ?? [],
            StringComparer.Ordinal);

        var duplicate = series.GroupBy(s => s.Id).FirstOrDefault(group => group.Count() > 1);
        if (duplicate is not null)
        {
            throw new ArgumentException($"Dataset '{dataset}': series {duplicate.Key} is given more than once.");
        }

        var toWrite = new List<(BarSeries Series, byte[] File)>();
        var upgraded = false;
        foreach (var one in series)
        {
            var file = await EncodeAsync(one, cancellationToken);
            var entry = Describe(one, file);
            if (entries.TryGetValue(one.Id.ToString(), out var held))
            {
                if (held.ContentHash != entry.ContentHash)
                {
                    throw new ArgumentException(
                        $"Dataset '{dataset}' already holds {one.Id} with other bars (content hash {held.ContentHash[..12]}, "
                        + $"new {entry.ContentHash[..12]}); base data is immutable: ingest into a new dataset name.");
                }

                var (intact, sha, bytes) = await InspectAsync(dataset, one.Id, held, cancellationToken);
                if (intact)
                {
                    upgraded |= held.FileSha256 is null;
                    entries[one.Id.ToString()] = held with { FileSha256 = sha, FileBytes = bytes };
                    continue;
                }
            }

            entries[one.Id.ToString()] = entry;
            toWrite.Add((one, file));
        }

        foreach (var (one, file) in toWrite)
        {
            await store.PutBytesAsync(ObjectKey.Parse(DataLayout.BaseSeries(dataset, one.Id)), file, cancellationToken: cancellationToken);
        }

        var manifest = new BaseDatasetManifest(dataset, BaseDatasetManifest.CurrentFormatVersion, entries);
        if (toWrite.Count > 0 || upgraded || existing is null || existing.Value.Manifest.FormatVersion != manifest.FormatVersion)
        {
            // The manifest goes last and only over the version read above: two ingests racing on one
            // dataset cannot silently drop each other's series.
            using var json = new MemoryStream(JsonSerializer.SerializeToUtf8Bytes(manifest, Json));
            await store.PutAsync(
                manifestKey,
                json,
                existing is null ? new ObjectWriteOptions { IfNoneMatch = true } : new ObjectWriteOptions { IfMatch = existing.Value.ETag },
                cancellationToken);
        }

        return manifest;
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
                damaged.Add(DataLayout.BaseSeries(dataset, series));
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

    /// <summary>
    /// Reads one series and checks its bars against the manifest's content hash, so a file changed
    /// under the manifest is refused instead of silently shifting every bar_idx that points into it.
    /// </summary>
    public async Task<BarSeries> ReadSeriesAsync(string dataset, SeriesId series, CancellationToken cancellationToken = default)
    {
        var manifest = await ReadManifestAsync(dataset, cancellationToken)
            ?? throw new ArgumentException($"There is no base dataset '{dataset}' (no {DataLayout.BaseManifest(dataset)}).");
        if (!manifest.Series.TryGetValue(series.ToString(), out var entry))
        {
            throw new ArgumentException(
                $"Base dataset '{dataset}' has no series {series}; it has {string.Join(", ", manifest.Series.Keys)}.");
        }

        var key = DataLayout.BaseSeries(dataset, series);
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
        var key = DataLayout.BaseSeries(dataset, series);
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

        return new BaseSeriesEntry(
            series.Id.Timeframe.ToString(),
            series.Count,
            DateTimeOffset.FromUnixTimeMilliseconds(series.Time[0]),
            DateTimeOffset.FromUnixTimeMilliseconds(series.Time[^1]),
            series.ContentHash(),
            Hashing.Sha256Hex(file),
            file.LongLength);
    }

    private async Task<(BaseDatasetManifest Manifest, string ETag)?> ReadManifestWithETagAsync(string dataset, CancellationToken cancellationToken)
    {
        var key = DataLayout.BaseManifest(dataset);
        ObjectContent content;
        try
        {
            content = await store.OpenReadAsync(ObjectKey.Parse(key), cancellationToken);
        }
        catch (ObjectNotFoundException)
        {
            return null;
        }

        await using (content)
        {
            try
            {
                var manifest = await JsonSerializer.DeserializeAsync<BaseDatasetManifest>(content.Stream, Json, cancellationToken)
                    ?? throw new StoredDataException(key, "is empty.");
                if (manifest.FormatVersion is < 1 or > BaseDatasetManifest.CurrentFormatVersion)
                {
                    throw new StoredDataException(
                        key, $"is base dataset format version {manifest.FormatVersion}; this build reads versions 1 to {BaseDatasetManifest.CurrentFormatVersion}.");
                }
                return (manifest, content.ETag);
            }
            catch (JsonException error)
            {
                throw new StoredDataException(key, $"is not a readable manifest ({error.Message})", error);
            }
        }
    }
}
