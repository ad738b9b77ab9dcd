using System.Text.Json.Nodes;
using SignalReplay.Core.Generation;
using SignalReplay.Core.Portfolio;
using SignalReplay.Core.Replay;
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
        // One file per index kind, however many strategy instances (SPEC 5, packed).
        Assert.Equal(
            [$"data/indices/{result.Manifest.Id}/classifier_changes.parquet", $"data/indices/{result.Manifest.Id}/cross_references/symbol_alignment.parquet",
             $"data/indices/{result.Manifest.Id}/manifest.json", $"data/indices/{result.Manifest.Id}/signals.parquet"],
            keys);
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
        var datasets = new BaseDatasetStore(_objects);
        var other = await _objects.ReadAllBytesAsync(ObjectKey.Parse(await datasets.SeriesKeyAsync("synthetic", SeriesId.Parse("SYNC_1m"), Cancel)), Cancel);
        var key = await datasets.SeriesKeyAsync("synthetic", SeriesId.Parse("SYNA_1m"), Cancel);
        await _objects.PutBytesAsync(ObjectKey.Parse(key), other, cancellationToken: Cancel);

        var error = await Assert.ThrowsAsync<StoredDataException>(() => _signals.GenerateAsync(Request(), cancellationToken: Cancel));

        Assert.Contains($"{key}: does not match its manifest", error.Message);
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

        Assert.Contains("is signal set format version 1; this build reads version 3: generate the signals again", error.Message);
    }

    [Fact]
    public async Task A_truncated_index_file_is_refused_naming_it()
    {
        await StoreMarketAsync();
        var manifest = (await _signals.GenerateAsync(Request(), cancellationToken: Cancel)).Manifest;
        var key = ObjectKey.Parse($"data/indices/{manifest.Id}/classifier_changes.parquet");
        var bytes = await _objects.ReadAllBytesAsync(key, Cancel);
        await _objects.PutBytesAsync(key, bytes[..(bytes.Length / 2)], cancellationToken: Cancel);

        var error = await Assert.ThrowsAsync<StoredDataException>(() => _signals.ReadAsync(manifest.Id, Cancel));

        Assert.Contains($"data/indices/{manifest.Id}/classifier_changes.parquet: does not match its manifest", error.Message);
    }

    private const string Momentum = "momentum(fast=10,slow=40,long_only=0)@SYNA_1m";

    private async Task<(SignalSetManifest Manifest, ObjectKey Key, byte[] Bytes)> StoredFileAsync(string name)
    {
        await StoreMarketAsync();
        var manifest = (await _signals.GenerateAsync(Request(), cancellationToken: Cancel)).Manifest;
        var key = ObjectKey.Parse($"data/indices/{manifest.Id}/{name}");
        return (manifest, key, await _objects.ReadAllBytesAsync(key, Cancel));
    }

    private async Task EditManifestAsync(SignalSetManifest manifest, Action<JsonNode> edit)
    {
        var key = ObjectKey.Parse($"data/indices/{manifest.Id}/manifest.json");
        var json = JsonNode.Parse(await _objects.ReadAllBytesAsync(key, Cancel))!;
        edit(json);
        await _objects.PutBytesAsync(key, System.Text.Encoding.UTF8.GetBytes(json.ToJsonString()), cancellationToken: Cancel);
    }

    [Fact]
    public async Task The_manifest_records_every_file_with_its_sha256_size_and_rows()
    {
        var (manifest, key, bytes) = await StoredFileAsync("signals.parquet");

        var signals = manifest.Files["signals.parquet"];
        Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(bytes)), signals.Sha256);
        Assert.Equal(bytes.LongLength, signals.Bytes);
        Assert.Equal(manifest.Signals.Values.Sum(c => c.Changes), signals.Rows);
        Assert.Equal(manifest.ClassifierChanges["trend"], manifest.Files["classifier_changes.parquet"].Rows);
        Assert.Equal(manifest.AlignmentRows, manifest.Files["cross_references/symbol_alignment.parquet"].Rows);
    }

    [Fact]
    public async Task A_damaged_set_is_no_cache_hit_and_generating_it_again_rewrites_it()
    {
        var (manifest, key, bytes) = await StoredFileAsync("signals.parquet");
        var original = await _signals.ReadAsync(manifest.Id, Cancel);
        var damaged = (byte[])bytes.Clone();
        damaged[damaged.Length / 2] ^= 0x01;
        await _objects.PutBytesAsync(key, damaged, cancellationToken: Cancel);

        var error = await Assert.ThrowsAsync<StoredDataException>(() => _signals.ReadAsync(manifest.Id, Cancel));
        var again = await _signals.GenerateAsync(Request(), cancellationToken: Cancel);

        Assert.Contains($"{key}: does not match its manifest", error.Message);
        Assert.False(again.CacheHit);
        Assert.Contains($"{key}: does not match its manifest", again.Repaired);
        Assert.Equal(bytes, await _objects.ReadAllBytesAsync(key, Cancel));
        SignalSetAssert.Same(original, await _signals.ReadAsync(manifest.Id, Cancel));
        Assert.True((await _signals.GenerateAsync(Request(), (_, _) => throw new InvalidOperationException("must not generate"), Cancel)).CacheHit);
    }

    [Fact]
    public async Task A_missing_file_is_named_and_generating_again_restores_it()
    {
        var (manifest, key, bytes) = await StoredFileAsync("cross_references/symbol_alignment.parquet");
        await _objects.DeleteAsync(key, Cancel);

        var error = await Assert.ThrowsAsync<StoredDataException>(() => _signals.ReadAsync(manifest.Id, Cancel));
        var again = await _signals.GenerateAsync(Request(), cancellationToken: Cancel);

        Assert.Equal($"{key}: is missing; its manifest lists it. Generate the signals again to rewrite it.", error.Message);
        Assert.NotNull(again.Repaired);
        Assert.Equal(bytes, await _objects.ReadAllBytesAsync(key, Cancel));
    }

    [Fact]
    public async Task A_damaged_manifest_is_rewritten_by_generating_again()
    {
        var (manifest, _, _) = await StoredFileAsync("signals.parquet");
        var key = ObjectKey.Parse($"data/indices/{manifest.Id}/manifest.json");
        var bytes = await _objects.ReadAllBytesAsync(key, Cancel);
        await _objects.PutBytesAsync(key, bytes[..(bytes.Length / 3)], cancellationToken: Cancel);

        var error = await Assert.ThrowsAsync<StoredDataException>(() => _signals.ReadManifestAsync(manifest.Id, Cancel));
        var again = await _signals.GenerateAsync(Request(), cancellationToken: Cancel);

        Assert.Contains($"{key}: is not a readable signal set manifest", error.Message);
        Assert.NotNull(again.Repaired);
        Assert.Equal(bytes, await _objects.ReadAllBytesAsync(key, Cancel));
    }

    [Fact]
    public async Task A_manifest_that_drops_a_strategy_is_refused_not_read_without_it()
    {
        var (manifest, _, _) = await StoredFileAsync("signals.parquet");
        await EditManifestAsync(manifest, json =>
        {
            var strategies = json["strategies"]!.AsArray();
            strategies.Remove(strategies.First(s => s!.GetValue<string>() == Momentum));
            json["signals"]!.AsObject().Remove(Momentum);
        });

        var error = await Assert.ThrowsAsync<StoredDataException>(() => _signals.ReadAsync(manifest.Id, Cancel));

        Assert.Contains("manifest.json: records inputs (base series, strategies, classifiers) that hash to", error.Message);
        Assert.Contains("it was edited or damaged", error.Message);
    }

    [Fact]
    public async Task A_manifest_whose_counts_disagree_with_its_files_is_refused()
    {
        var (manifest, _, _) = await StoredFileAsync("signals.parquet");
        await EditManifestAsync(manifest, json =>
        {
            var changes = json["signals"]![Momentum]!["changes"]!.GetValue<int>();
            json["signals"]![Momentum]!["changes"] = changes - 1;
        });

        var error = await Assert.ThrowsAsync<StoredDataException>(() => _signals.ReadAsync(manifest.Id, Cancel));

        Assert.Contains("manifest.json: counts other rows for signals.parquet than its strategies' changes add up to", error.Message);
    }

    [Fact]
    public async Task A_manifest_missing_a_field_is_unreadable_not_half_read()
    {
        var (manifest, _, _) = await StoredFileAsync("signals.parquet");
        await EditManifestAsync(manifest, json => json.AsObject().Remove("files"));

        var error = await Assert.ThrowsAsync<StoredDataException>(() => _signals.ReadManifestAsync(manifest.Id, Cancel));

        Assert.Contains("is not a readable signal set manifest", error.Message);
    }

    [Fact]
    public async Task One_call_replays_a_stored_set_from_the_store_as_the_core_loop_does()
    {
        await StoreMarketAsync();
        var request = Request();
        var manifest = (await _signals.GenerateAsync(request, cancellationToken: Cancel)).Manifest;
        RegimeFilter?[] filters = [null, new RegimeFilter("trend", new HashSet<string> { "TRENDING_UP" }), new RegimeFilter("trend", new HashSet<string> { "NEUTRAL" }, RegimeExit.Close)];
        var portfolios = request.Strategies.SelectMany(strategy => filters.Select((filter, i) => new PortfolioConfig(
            $"{strategy.InstanceId}|{i}", [new StrategyAssignment(strategy.InstanceId, strategy.Primary)], new FixedFractionSizing(1), ExecutionModel.Default, RiskLimits.None, filter))).ToList();

        var replayed = await _signals.ReplayAsync(manifest.Id, portfolios, cancellationToken: Cancel);

        var series = new List<BarSeries>();
        foreach (var id in new[] { A, B })
        {
            series.Add(await new BaseDatasetStore(_objects).ReadSeriesAsync("synthetic", id, Cancel));
        }

        var full = Backtest.Full(series, request.Strategies, request.Classifiers, portfolios);
        Assert.True(full.Sum(r => r.Trades.Count) > 0);
        foreach (var (expected, actual) in full.Zip(replayed))
        {
            PortfolioResultAssert.Identical(expected, actual);
        }
    }

    [Fact]
    public async Task A_portfolio_naming_a_strategy_or_classifier_the_set_lacks_is_refused()
    {
        await StoreMarketAsync();
        var manifest = (await _signals.GenerateAsync(Request(), cancellationToken: Cancel)).Manifest;
        PortfolioConfig Portfolio(string strategy, RegimeFilter? filter = null) =>
            new("p", [new StrategyAssignment(strategy, A)], new FixedFractionSizing(1), ExecutionModel.Default, RiskLimits.None, filter);

        var strategy = await Assert.ThrowsAsync<ArgumentException>(() => _signals.ReplayAsync(manifest.Id, [Portfolio("momentum(fast=99)@SYNA_1m")], cancellationToken: Cancel));
        var classifier = await Assert.ThrowsAsync<ArgumentException>(() => _signals.ReplayAsync(
            manifest.Id, [Portfolio(Momentum, new RegimeFilter("volatility", new HashSet<string> { "LOW" }))], cancellationToken: Cancel));

        Assert.Contains("does not hold strategy 'momentum(fast=99)@SYNA_1m'", strategy.Message);
        Assert.Contains("Portfolio 'p' filters on classifier 'volatility', which the signal set does not hold; it holds trend", classifier.Message);
    }
}
