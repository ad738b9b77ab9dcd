using SignalReplay.Storage.BaseData;
using SignalReplay.Storage.Objects;

namespace SignalReplay.Storage.Tests.BaseData;

public sealed class BaseDatasetStoreTests : IDisposable
{
    private readonly TempFolder _folder = new();
    private readonly LocalFolderStore _objects;
    private readonly BaseDatasetStore _datasets;

    public BaseDatasetStoreTests()
    {
        _objects = new LocalFolderStore(_folder.Path);
        _datasets = new BaseDatasetStore(_objects);
    }

    public void Dispose() => _folder.Dispose();

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private static BarSeries Series(string name, int count, double drift = 0.01)
    {
        var start = new DateTimeOffset(2024, 3, 1, 13, 30, 0, TimeSpan.Zero).ToUnixTimeMilliseconds();
        var bars = Enumerable.Range(0, count)
            .Select(i => 100 + (i * drift))
            .Select((close, i) => new Bar(start + (i * 60_000L), close, close + 0.1, close - 0.1, close, 10))
            .ToList();
        return BarSeries.FromBars(SeriesId.Parse(name), bars);
    }

    [Fact]
    public async Task Written_series_read_back_with_the_manifest_describing_them()
    {
        var spy = Series("SPY_1m", 500);

        var manifest = await _datasets.WriteAsync("demo", [spy, Series("QQQ_1m", 300)], Cancel);
        var read = await _datasets.ReadSeriesAsync("demo", spy.Id, Cancel);

        Assert.Equal(spy.ContentHash(), read.ContentHash());
        Assert.Equal(["QQQ_1m", "SPY_1m"], manifest.Series.Keys);
        var entry = manifest.Series["SPY_1m"];
        Assert.Equal(500, entry.Rows);
        Assert.Equal("1m", entry.Timeframe);
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(spy.Time[0]), entry.FirstTs);
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(spy.Time[^1]), entry.LastTs);
        Assert.Equal(spy.ContentHash(), entry.ContentHash);
        Assert.Equal(manifest, await _datasets.ReadManifestAsync("demo", Cancel), ManifestComparer.Instance);
    }

    [Fact]
    public async Task Writing_the_same_series_again_changes_nothing()
    {
        await _datasets.WriteAsync("demo", [Series("SPY_1m", 100)], Cancel);
        var before = await _objects.GetInfoAsync(ObjectKey.Parse("data/base/demo/manifest.json"), Cancel);

        await _datasets.WriteAsync("demo", [Series("SPY_1m", 100)], Cancel);
        var after = await _objects.GetInfoAsync(ObjectKey.Parse("data/base/demo/manifest.json"), Cancel);

        Assert.Equal(before!.ETag, after!.ETag);
    }

    [Fact]
    public async Task New_series_are_added_beside_the_existing_ones()
    {
        await _datasets.WriteAsync("demo", [Series("SPY_1m", 100)], Cancel);

        var manifest = await _datasets.WriteAsync("demo", [Series("IBM_1m", 100)], Cancel);

        Assert.Equal(["IBM_1m", "SPY_1m"], manifest.Series.Keys);
    }

    [Fact]
    public async Task Changing_the_bars_of_a_stored_series_is_refused()
    {
        await _datasets.WriteAsync("demo", [Series("SPY_1m", 100)], Cancel);

        var error = await Assert.ThrowsAsync<DatasetConflictException>(() =>
            _datasets.WriteAsync("demo", [Series("SPY_1m", 100, drift: 0.02)], Cancel));

        Assert.Contains("already holds SPY_1m with other bars", error.Message);
    }

    [Fact]
    public async Task A_series_file_changed_under_its_manifest_is_refused_on_read()
    {
        await _datasets.WriteAsync("demo", [Series("SPY_1m", 100)], Cancel);
        await _datasets.WriteAsync("other", [Series("SPY_1m", 100, drift: 0.02)], Cancel);
        // Swap the file behind the manifest's back, as a careless copy would.
        var other = await _objects.ReadAllBytesAsync(await KeyAsync("other", "SPY_1m"), Cancel);
        var key = await KeyAsync("demo", "SPY_1m");
        await _objects.PutBytesAsync(key, other, cancellationToken: Cancel);

        var error = await Assert.ThrowsAsync<StoredDataException>(() => _datasets.ReadSeriesAsync("demo", SeriesId.Parse("SPY_1m"), Cancel));

        Assert.Contains(key.Value, error.Message);
        Assert.Contains("does not match its manifest", error.Message);
    }

    [Fact]
    public async Task Reading_a_series_the_dataset_lacks_names_what_it_has()
    {
        await _datasets.WriteAsync("demo", [Series("SPY_1m", 100)], Cancel);

        var error = await Assert.ThrowsAsync<ArgumentException>(() => _datasets.ReadSeriesAsync("demo", SeriesId.Parse("IBM_1m"), Cancel));

        Assert.Contains("has no series IBM_1m; it has SPY_1m", error.Message);
    }

    [Fact]
    public async Task A_dataset_name_with_a_path_in_it_is_refused()
    {
        var error = await Assert.ThrowsAsync<ArgumentException>(() => _datasets.WriteAsync("../escape", [Series("SPY_1m", 10)], Cancel));

        Assert.Contains("'../escape' is not a valid dataset name", error.Message);
    }

    [Fact]
    public async Task The_manifest_records_each_file_with_its_sha256_and_size()
    {
        await _datasets.WriteAsync("demo", [Series("SPY_1m", 100)], Cancel);

        var entry = (await _datasets.ReadManifestAsync("demo", Cancel))!.Series["SPY_1m"];
        var file = await _objects.ReadAllBytesAsync(await KeyAsync("demo", "SPY_1m"), Cancel);

        Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(file)), entry.FileSha256);
        Assert.Equal($"SPY_1m.{entry.FileSha256![..16]}.parquet", entry.File);
        Assert.Equal(file.LongLength, entry.FileBytes);
        Assert.Equal(BaseDatasetManifest.CurrentFormatVersion, (await _datasets.ReadManifestAsync("demo", Cancel))!.FormatVersion);
    }

    [Fact]
    public async Task A_damaged_series_file_is_refused_before_decoding_and_ingesting_again_rewrites_it()
    {
        var spy = Series("SPY_1m", 100);
        await _datasets.WriteAsync("demo", [spy], Cancel);
        var key = await KeyAsync("demo", "SPY_1m");
        var file = await _objects.ReadAllBytesAsync(key, Cancel);
        var damaged = (byte[])file.Clone();
        damaged[^12] ^= 0xFF; // inside the footer, where a Parquet reader could spin for minutes
        await _objects.PutBytesAsync(key, damaged, cancellationToken: Cancel);

        var error = await Assert.ThrowsAsync<StoredDataException>(() => _datasets.ReadSeriesAsync("demo", spy.Id, Cancel));
        await _datasets.WriteAsync("demo", [spy], Cancel);

        Assert.StartsWith($"{key}: does not match its manifest", error.Message);
        Assert.Equal(file, await _objects.ReadAllBytesAsync(key, Cancel));
        Assert.Equal(spy.ContentHash(), (await _datasets.ReadSeriesAsync("demo", spy.Id, Cancel)).ContentHash());
    }

    [Fact]
    public async Task A_missing_series_file_is_named()
    {
        await _datasets.WriteAsync("demo", [Series("SPY_1m", 100)], Cancel);
        var key = await KeyAsync("demo", "SPY_1m");
        await _objects.DeleteAsync(key, Cancel);

        var error = await Assert.ThrowsAsync<StoredDataException>(() => _datasets.ReadSeriesAsync("demo", SeriesId.Parse("SPY_1m"), Cancel));

        Assert.Equal($"{key}: is missing; the dataset's manifest lists it.", error.Message);
    }

    [Fact]
    public async Task A_format_1_manifest_still_reads_and_migration_records_its_file_hashes()
    {
        var spy = Series("SPY_1m", 100);
        var qqq = Series("QQQ_1m", 50);
        await _datasets.WriteAsync("old", [spy, qqq], Cancel);
        await WriteAsFormat1Async("old");
        // QQQ's file decodes, but to other bars than its entry describes.
        await _datasets.WriteAsync("other", [Series("QQQ_1m", 50, drift: 0.5)], Cancel);
        await _objects.PutBytesAsync(
            ObjectKey.Parse("data/base/old/QQQ_1m.parquet"), await _objects.ReadAllBytesAsync(await KeyAsync("other", "QQQ_1m"), Cancel), cancellationToken: Cancel);

        var read = await _datasets.ReadSeriesAsync("old", spy.Id, Cancel);
        var (upgraded, damaged) = await _datasets.AddFileHashesAsync("old", Cancel);

        Assert.Equal(spy.ContentHash(), read.ContentHash());
        Assert.Equal(1, upgraded);
        Assert.Equal(["data/base/old/QQQ_1m.parquet"], damaged);
        var manifest = (await _datasets.ReadManifestAsync("old", Cancel))!;
        Assert.Equal(BaseDatasetManifest.CurrentFormatVersion, manifest.FormatVersion);
        Assert.NotNull(manifest.Series["SPY_1m"].FileSha256);
        Assert.Null(manifest.Series["QQQ_1m"].FileSha256);
        Assert.Equal(["old", "other"], await _datasets.DatasetsAsync(Cancel));
    }

    [Fact]
    public async Task A_manifest_of_a_newer_format_is_refused()
    {
        await _datasets.WriteAsync("demo", [Series("SPY_1m", 10)], Cancel);
        var key = ObjectKey.Parse("data/base/demo/manifest.json");
        var json = System.Text.Json.Nodes.JsonNode.Parse(await _objects.ReadAllBytesAsync(key, Cancel))!;
        json["format_version"] = 9;
        await _objects.PutBytesAsync(key, System.Text.Encoding.UTF8.GetBytes(json.ToJsonString()), cancellationToken: Cancel);

        var error = await Assert.ThrowsAsync<StoredDataException>(() => _datasets.ReadManifestAsync("demo", Cancel));

        Assert.Contains("data/base/demo/manifest.json: is base dataset format version 9; this build reads versions 1 to 3", error.Message);
    }

    /// <summary>The key of a series' file, as the dataset's manifest names it.</summary>
    private async Task<ObjectKey> KeyAsync(string dataset, string series) =>
        ObjectKey.Parse(await _datasets.SeriesKeyAsync(dataset, SeriesId.Parse(series), Cancel));

    /// <summary>Rewrites a dataset as format 1 wrote it: files named {SERIES}.parquet, no file hashes.</summary>
    private async Task WriteAsFormat1Async(string dataset)
    {
        var key = ObjectKey.Parse($"data/base/{dataset}/manifest.json");
        var json = System.Text.Json.Nodes.JsonNode.Parse(await _objects.ReadAllBytesAsync(key, Cancel))!;
        json["format_version"] = 1;
        foreach (var (name, entry) in json["series"]!.AsObject())
        {
            var file = ObjectKey.Parse($"data/base/{dataset}/{entry!["file"]}");
            await _objects.PutBytesAsync(ObjectKey.Parse($"data/base/{dataset}/{name}.parquet"), await _objects.ReadAllBytesAsync(file, Cancel), cancellationToken: Cancel);
            await _objects.DeleteAsync(file, Cancel);
            entry.AsObject().Remove("file_sha256");
            entry.AsObject().Remove("file_bytes");
            entry.AsObject().Remove("file");
        }

        await _objects.PutBytesAsync(key, System.Text.Encoding.UTF8.GetBytes(json.ToJsonString()), cancellationToken: Cancel);
    }

    private sealed class ManifestComparer : IEqualityComparer<BaseDatasetManifest?>
    {
        public static readonly ManifestComparer Instance = new();

        public bool Equals(BaseDatasetManifest? x, BaseDatasetManifest? y) =>
            x is not null && y is not null && x.Dataset == y.Dataset && x.FormatVersion == y.FormatVersion
            && x.Series.OrderBy(e => e.Key).SequenceEqual(y.Series.OrderBy(e => e.Key));

        public int GetHashCode(BaseDatasetManifest? obj) => obj?.Dataset.GetHashCode(StringComparison.Ordinal) ?? 0;
    }
}
