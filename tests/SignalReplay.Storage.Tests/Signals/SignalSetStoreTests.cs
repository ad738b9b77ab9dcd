using System.Text.Json.Nodes;
using SignalReplay.Core.Generation;
using SignalReplay.Core.Synthetic;
using SignalReplay.Storage.BaseData;
using SignalReplay.Storage.Objects;
using SignalReplay.Storage.Signals;

namespace SignalReplay.Storage.Tests.Signals;

public sealed class SignalSetStoreTests : IDisposable
{
    private readonly TempFolder _folder = new();
    private readonly LocalFolderStore _objects;
    private readonly SignalSetStore _signals;

    public SignalSetStoreTests()
    {
        _objects = new LocalFolderStore(_folder.Path);
        _signals = new SignalSetStore(_objects);
    }

    public void Dispose() => _folder.Dispose();

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private static readonly SeriesId A = SeriesId.Parse("SYNA_1m");
    private static readonly SeriesId B = SeriesId.Parse("SYNB_1m");

    private async Task StoreMarketAsync()
    {
        var market = SyntheticMarket.Generate(SyntheticMarketOptions.Default with { TradingDays = 10 });
        await new BaseDatasetStore(_objects).WriteAsync("synthetic", market.Series, Cancel);
    }

    private static GenerationRequest Request(int fast = 10) => new(
        "synthetic",
        [A, B],
        [
            DeciderCatalog.Strategy("momentum", [A], new Dictionary<string, double> { ["fast"] = fast, ["slow"] = 40 }),
            DeciderCatalog.Strategy("correlation_momentum", [A, B]),
        ],
        [new("trend", DeciderCatalog.Classifier("trend", [A]))]);

    [Fact]
    public async Task A_generated_set_is_stored_whole_and_reads_back_bit_for_bit()
    {
        await StoreMarketAsync();

        var result = await _signals.GenerateAsync(Request(), cancellationToken: Cancel);
        var read = await _signals.ReadAsync(result.Manifest.Id, Cancel);

        Assert.False(result.CacheHit);
        Assert.StartsWith("ss-", result.Manifest.Id);
        Assert.True(result.BytesWritten > 0);
        var expected = SignalGeneration.Run(
            [await new BaseDatasetStore(_objects).ReadSeriesAsync("synthetic", A, Cancel), await new BaseDatasetStore(_objects).ReadSeriesAsync("synthetic", B, Cancel)],
            Request().Strategies,
            Request().Classifiers);
        SignalSetAssert.Same(expected, read);
        var keys = await _objects.ListAsync($"data/indices/{result.Manifest.Id}/", Cancel).Select(i => i.Key.Value).ToListAsync(Cancel);
        Assert.Contains($"data/indices/{result.Manifest.Id}/manifest.json", keys);
        Assert.Contains($"data/indices/{result.Manifest.Id}/signals/momentum(fast=10,slow=40,long_only=0)@SYNA_1m.parquet", keys);
        Assert.Contains($"data/indices/{result.Manifest.Id}/classifier_changes/trend.parquet", keys);
        Assert.Contains($"data/indices/{result.Manifest.Id}/cross_references/symbol_alignment.parquet", keys);
    }

    [Fact]
    public async Task Generating_the_same_inputs_again_is_a_hit_that_computes_nothing()
    {
        await StoreMarketAsync();
        var first = await _signals.GenerateAsync(Request(), cancellationToken: Cancel);

        var second = await _signals.GenerateAsync(Request(), (_, _) => throw new InvalidOperationException("must not generate"), Cancel);

        Assert.True(second.CacheHit);
        Assert.Equal(0, second.BytesWritten);
        Assert.Equal(first.Manifest.Id, second.Manifest.Id);
    }

    [Fact]
    public async Task Other_parameters_name_another_signal_set()
    {
        await StoreMarketAsync();

        var first = await _signals.GenerateAsync(Request(fast: 10), cancellationToken: Cancel);
        var second = await _signals.GenerateAsync(Request(fast: 12), cancellationToken: Cancel);

        Assert.NotEqual(first.Manifest.Id, second.Manifest.Id);
        Assert.False(second.CacheHit);
    }

    [Fact]
    public async Task The_manifest_records_lineage_counts_and_sparsity()
    {
        await StoreMarketAsync();

        var manifest = (await _signals.GenerateAsync(Request(), cancellationToken: Cancel)).Manifest;

        Assert.Equal("synthetic", manifest.Dataset);
        Assert.Equal(["SYNA_1m", "SYNB_1m"], manifest.BaseSeriesHashes.Keys);
        Assert.Equal(SignalSetManifest.CurrentEngine, manifest.Engine);
        var momentum = manifest.Signals["momentum(fast=10,slow=40,long_only=0)@SYNA_1m"];
        Assert.Equal(3_900, momentum.PrimaryBars);
        Assert.InRange(momentum.Density, 0.0001, 0.2);
        Assert.True(manifest.ClassifierChanges["trend"] > 0);
    }

    [Fact]
    public async Task A_series_the_dataset_lacks_is_refused_naming_what_it_has()
    {
        await StoreMarketAsync();
        var request = Request() with { Series = [A, SeriesId.Parse("SPY_1m")] };

        var error = await Assert.ThrowsAsync<ArgumentException>(() => _signals.GenerateAsync(request, cancellationToken: Cancel));

        Assert.Contains("Base dataset 'synthetic' has no series SPY_1m; it has SYNA_1m", error.Message);
    }

    [Fact]
    public async Task A_set_whose_base_data_changed_is_refused()
    {
        await StoreMarketAsync();
        var manifest = (await _signals.GenerateAsync(Request(), cancellationToken: Cancel)).Manifest;
        // Someone rewrites the base dataset's manifest with other content for SYNA_1m.
        var key = ObjectKey.Parse("data/base/synthetic/manifest.json");
        var json = JsonNode.Parse(await _objects.ReadAllBytesAsync(key, Cancel))!;
        json["series"]!["SYNA_1m"]!["content_hash"] = new string('0', 64);
        await _objects.PutBytesAsync(key, System.Text.Encoding.UTF8.GetBytes(json.ToJsonString()), cancellationToken: Cancel);

        var error = await Assert.ThrowsAsync<ArgumentException>(() => _signals.EnsureBaseUnchangedAsync(manifest, Cancel));

        Assert.Contains($"Signal set {manifest.Id} was generated from synthetic/SYNA_1m", error.Message);
        Assert.Contains("regenerate the signals", error.Message);
    }

    [Fact]
    public async Task Generation_refuses_a_series_whose_file_does_not_match_its_manifest()
    {
        await StoreMarketAsync();
        // Put another series' bars under SYNA_1m's key, behind the manifest's back.
        var other = await _objects.ReadAllBytesAsync(ObjectKey.Parse("data/base/synthetic/SYNC_1m.parquet"), Cancel);
        await _objects.PutBytesAsync(ObjectKey.Parse("data/base/synthetic/SYNA_1m.parquet"), other, cancellationToken: Cancel);

        var error = await Assert.ThrowsAsync<StoredDataException>(() => _signals.GenerateAsync(Request(), cancellationToken: Cancel));

        Assert.Contains("data/base/synthetic/SYNA_1m.parquet", error.Message);
        Assert.Contains("holds series SYNC_1m, not SYNA_1m", error.Message);
    }

    [Fact]
    public async Task A_manifest_of_another_format_version_is_refused_with_what_to_do()
    {
        await StoreMarketAsync();
        var manifest = (await _signals.GenerateAsync(Request(), cancellationToken: Cancel)).Manifest;
        var key = ObjectKey.Parse($"data/indices/{manifest.Id}/manifest.json");
        var json = JsonNode.Parse(await _objects.ReadAllBytesAsync(key, Cancel))!;
        json["format_version"] = 1;
        await _objects.PutBytesAsync(key, System.Text.Encoding.UTF8.GetBytes(json.ToJsonString()), cancellationToken: Cancel);

        var error = await Assert.ThrowsAsync<StoredDataException>(() => _signals.ReadManifestAsync(manifest.Id, Cancel));

        Assert.Contains("is signal set format version 1; this build reads version 2: generate the signals again", error.Message);
    }

    [Fact]
    public async Task A_truncated_index_file_is_refused_naming_it()
    {
        await StoreMarketAsync();
        var manifest = (await _signals.GenerateAsync(Request(), cancellationToken: Cancel)).Manifest;
        var key = ObjectKey.Parse($"data/indices/{manifest.Id}/classifier_changes/trend.parquet");
        var bytes = await _objects.ReadAllBytesAsync(key, Cancel);
        await _objects.PutBytesAsync(key, bytes[..(bytes.Length / 2)], cancellationToken: Cancel);

        var error = await Assert.ThrowsAsync<StoredDataException>(() => _signals.ReadAsync(manifest.Id, Cancel));

        Assert.Contains($"data/indices/{manifest.Id}/classifier_changes/trend.parquet", error.Message);
    }
}
