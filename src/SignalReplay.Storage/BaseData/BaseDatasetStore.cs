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
    };

    /// <summary>
    /// Adds <paramref name="series"/> to <paramref name="dataset"/> (creating it if new). A series the
    /// dataset already holds with the same content is left as it is; with other content it is refused,
    /// since signal sets point into base data by row number.
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

        var toWrite = new List<BarSeries>();
        foreach (var one in series)
        {
            var entry = Describe(one);
            if (entries.TryGetValue(one.Id.ToString(), out var held))
            {
                if (held.ContentHash != entry.ContentHash)
                {
                    throw new ArgumentException(
                        $"Dataset '{dataset}' already holds {one.Id} with other bars (content hash {held.ContentHash[..12]}, "
                        + $"new {entry.ContentHash[..12]}); base data is immutable: ingest into a new dataset name.");
                }

                continue;
            }

            entries[one.Id.ToString()] = entry;
            toWrite.Add(one);
        }

        foreach (var one in toWrite)
        {
            using var buffer = new MemoryStream();
            await BarSeriesParquet.WriteAsync(one, buffer, cancellationToken);
            buffer.Position = 0;
            await store.PutAsync(ObjectKey.Parse(DataLayout.BaseSeries(dataset, one.Id)), buffer, cancellationToken: cancellationToken);
        }

        var manifest = new BaseDatasetManifest(dataset, BaseDatasetManifest.CurrentFormatVersion, entries);
        if (toWrite.Count > 0 || existing is null)
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
        await using var content = await store.OpenReadAsync(ObjectKey.Parse(key), cancellationToken);
        using var buffer = new MemoryStream();
        await content.Stream.CopyToAsync(buffer, cancellationToken);
        buffer.Position = 0;
        var bars = await BarSeriesParquet.ReadAsync(buffer, key, cancellationToken);
        if (bars.Id != series)
        {
            throw new StoredDataException(key, $"holds series {bars.Id}, not {series}.");
        }

        var hash = bars.ContentHash();
        if (hash != entry.ContentHash)
        {
            throw new StoredDataException(
                key, $"does not match its manifest: content hash {hash[..12]}, manifest says {entry.ContentHash[..12]}.");
        }

        return bars;
    }

    private static BaseSeriesEntry Describe(BarSeries series)
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
            series.ContentHash());
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
                return (manifest, content.ETag);
            }
            catch (JsonException error)
            {
                throw new StoredDataException(key, $"is not a readable manifest ({error.Message})", error);
            }
        }
    }
}
