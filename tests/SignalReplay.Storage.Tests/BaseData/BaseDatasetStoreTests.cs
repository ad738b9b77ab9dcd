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

        var error = await Assert.ThrowsAsync<ArgumentException>(() =>
            _datasets.WriteAsync("demo", [Series("SPY_1m", 100, drift: 0.02)], Cancel));

        Assert.Contains("already holds SPY_1m with other bars", error.Message);
    }

    [Fact]
    public async Task A_series_file_changed_under_its_manifest_is_refused_on_read()
    {
        await _datasets.WriteAsync("demo", [Series("SPY_1m", 100)], Cancel);
        await _datasets.WriteAsync("other", [Series("SPY_1m", 100, drift: 0.02)], Cancel);
        // Swap the file behind the manifest's back, as a careless copy would.
        var other = await _objects.ReadAllBytesAsync(ObjectKey.Parse("data/base/other/SPY_1m.parquet"), Cancel);
        await _objects.PutBytesAsync(ObjectKey.Parse("data/base/demo/SPY_1m.parquet"), other, cancellationToken: Cancel);

        var error = await Assert.ThrowsAsync<StoredDataException>(() => _datasets.ReadSeriesAsync("demo", SeriesId.Parse("SPY_1m"), Cancel));

        Assert.Contains("data/base/demo/SPY_1m.parquet", error.Message);
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

    private sealed class ManifestComparer : IEqualityComparer<BaseDatasetManifest?>
    {
        public static readonly ManifestComparer Instance = new();

        public bool Equals(BaseDatasetManifest? x, BaseDatasetManifest? y) =>
            x is not null && y is not null && x.Dataset == y.Dataset && x.FormatVersion == y.FormatVersion
            && x.Series.OrderBy(e => e.Key).SequenceEqual(y.Series.OrderBy(e => e.Key));

        public int GetHashCode(BaseDatasetManifest? obj) => obj?.Dataset.GetHashCode(StringComparison.Ordinal) ?? 0;
    }
}
