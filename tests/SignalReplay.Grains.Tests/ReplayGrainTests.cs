using Microsoft.Extensions.DependencyInjection;
using Orleans.TestingHost;
using SignalReplay.Abstractions;
using SignalReplay.Core.Data;
using SignalReplay.Core.Generation;
using SignalReplay.Core.Portfolio;
using SignalReplay.Core.Replay;
using SignalReplay.Core.Synthetic;
using SignalReplay.Grains.Replay;
using SignalReplay.Storage.BaseData;
using SignalReplay.Storage.Objects;
using SignalReplay.Storage.Signals;

namespace SignalReplay.Grains.Tests;

[Collection(ClusterCollection.Name)]
public sealed class ReplayGrainTests(ClusterFixture fixture)
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    /// <summary>A portfolio trading one strategy at a fixed fraction of 1, default execution, no risk limits.</summary>
    private static PortfolioConfig Trading(string id, string strategy, SeriesId series, RegimeFilter? filter = null) =>
        new(id, [new StrategyAssignment(strategy, series)], new FixedFractionSizing(1), ExecutionModel.Default, RiskLimits.None, filter);

    private Task<ReplayOutcome> ReplayAsync(string signalSet, IEnumerable<PortfolioConfig> portfolios, int? shardSize = null) =>
        fixture.Cluster.GrainFactory.GetGrain<IReplayGrain>($"replay-{Guid.NewGuid():N}")
            .RunAsync(new ReplayRun(signalSet, null, [.. portfolios], KeepDetail: true, ShardSize: shardSize));

    private async Task<string> GenerateAsync(string dataset, IReadOnlyList<BarSeries> series, List<Strategy> strategies, List<KeyValuePair<string, Classifier>> classifiers)
    {
        await new BaseDatasetStore(fixture.Store).WriteAsync(dataset, series, Cancel);
        var result = await new SignalSetStore(fixture.Store).GenerateAsync(
            new GenerationRequest(dataset, [.. series.Select(s => s.Id)], strategies, classifiers), cancellationToken: Cancel);
        return result.Manifest.Id;
    }

    private Task<ReplayOutcome> FullAsync(
        IReadOnlyList<BarSeries> series, string dataset, List<Strategy> strategies, List<KeyValuePair<string, Classifier>> classifiers, IEnumerable<PortfolioConfig> portfolios, int? shardSize = null) =>
        fixture.Cluster.GrainFactory.GetGrain<IFullGrain>($"full-{Guid.NewGuid():N}").RunAsync(new FullRun(
            new GenerationRun(new GenerationRequest(dataset, [.. series.Select(s => s.Id)], strategies, classifiers), new GenerationOptions()),
            [.. portfolios],
            ShardSize: shardSize));

    /// <summary>The results of a run in plan order, to compare with the in-process ones.</summary>
    private static IEnumerable<PortfolioResult> InPlanOrder(ReplayOutcome outcome) => outcome.Top.OrderBy(t => t.Index).Select(t => t.Result);

    private async Task AssertGrainsEqualFullAsync(string dataset, IReadOnlyList<BarSeries> series, List<Strategy> strategies, List<KeyValuePair<string, Classifier>> classifiers)
    {
        var set = await GenerateAsync(dataset, series, strategies, classifiers);
        var grid = PortfolioGrid.Build(strategies);
        var stored = await fixture.Store.ListAsync("data/indices/", Cancel).CountAsync(Cancel);

        // Shards of 10: the grid's 96 portfolios run in 10 shards spread over both silos.
        var replay = await ReplayAsync(set, grid, shardSize: 10);
        var fullOnGrains = await FullAsync(series, dataset, strategies, classifiers, grid, shardSize: 10);
        var full = Backtest.Full(series, strategies, classifiers, grid);

        Assert.Equal(grid.Count, replay.Evaluated);
        Assert.Equal(10, replay.Shards);
        Assert.Equal(2, replay.Hosts.Length);
        Assert.True(full.Sum(r => r.Trades.Count) > 100, "the grid should trade");
        Assert.True(full.Where((_, i) => grid[i].Assignments[0].Regimes is not null).Sum(r => r.Trades.Count) > 10, "the regime-adaptive portfolios should trade");
        Assert.Equal(full.Select(PortfolioDigest.Of), InPlanOrder(replay).Select(PortfolioDigest.Of));
        Assert.Equal(full.Select(PortfolioDigest.Of), InPlanOrder(fullOnGrains).Select(PortfolioDigest.Of));
        Assert.Equal(stored, await fixture.Store.ListAsync("data/indices/", Cancel).CountAsync(Cancel)); // full mode stores nothing
    }

    // Each case runs the grid three ways: replay on the 2-silo cluster over the stored set, full mode on the
    // cluster (series grains -> feature grain -> the same streams, nothing stored), and full mode in-process.
    [Fact]
    public async Task Replay_on_grains_equals_full_mode_bit_for_bit_for_96_configurations_on_synthetic_data()
    {
        var (series, strategies, classifiers) = ReplayCases.Synthetic(tradingDays: 20, seed: 7);
        await AssertGrainsEqualFullAsync("replay-synthetic", series, strategies, classifiers);
    }

    [Fact]
    public async Task Replay_on_grains_equals_full_mode_bit_for_bit_for_96_configurations_on_real_minute_data()
    {
        var (series, strategies, classifiers) = ReplayCases.LeanMinute();
        await AssertGrainsEqualFullAsync("replay-lean", series, strategies, classifiers);
    }

    [Fact]
    public async Task A_5000_configuration_grid_on_daily_data_with_default_settings_equals_the_core_loop_bit_for_bit()
    {
        var goog = CsvBarReader.Read(SharedData.Require("backtesting-py/GOOG_1d.csv"), SeriesId.Parse("GOOG_1d"));
        var strategies = (
            from fast in Enumerable.Range(2, 50)
            from slow in new[] { 60, 120 }
            select DeciderCatalog.Strategy("momentum", [goog.Id], new Dictionary<string, double> { ["fast"] = fast, ["slow"] = slow })).ToList();
        var set = await GenerateAsync("goog-5000", [goog], strategies, []);
        var stops = Enumerable.Range(1, 50).Select(i => (double?)(i / 100.0)).ToList();
        var grid = new Core.Optimization.GridPortfolios(
            [.. strategies.Select(s => new StrategyAssignment(s.InstanceId, goog.Id))],
            Core.Optimization.PortfolioGrid.Default with { Sizing = [new FixedFractionSizing(1) { WholeUnits = true }], Execution = [ExecutionModel.Default with { CommissionBps = 20 }], StopLoss = stops },
            TraceRetention.None);
        var stored = await new SignalSetStore(fixture.Store).ReadAsync(set, Cancel);
        var expected = new string[grid.Count];
        Backtest.Sweep([goog], stored, grid, keepDetail: false, (index, result) => expected[index] = PortfolioDigest.Of(result));

        // Default shard size and placement; every portfolio's metrics come back, the best 20 with their trades.
        // Full mode publishes a batch per strategy per window: a year's window keeps that to 600 batches.
        var replay = await fixture.Cluster.GrainFactory.GetGrain<IReplayGrain>($"replay-{Guid.NewGuid():N}")
            .RunAsync(new ReplayRun(set, grid, [], Top: grid.Count));
        var full = await fixture.Cluster.GrainFactory.GetGrain<IFullGrain>($"full-{Guid.NewGuid():N}").RunAsync(new FullRun(
            new GenerationRun(new GenerationRequest("goog-5000", [goog.Id], strategies, []), new GenerationOptions { BatchWindow = TimeSpan.FromDays(365) }),
            [.. grid],
            KeepDetail: false));
        var best = await fixture.Cluster.GrainFactory.GetGrain<IReplayGrain>($"replay-{Guid.NewGuid():N}")
            .RunAsync(new ReplayRun(set, grid, [], Top: 20, KeepDetail: true));

        Assert.Equal(5_000, grid.Count);
        Assert.True(expected.Distinct().Count() > 1_000, "the grid's stops should matter");
        Assert.Equal(2, replay.Hosts.Length);
        Assert.Equal(expected, replay.Top.OrderBy(t => t.Index).Select(t => PortfolioDigest.Of(t.Result)));
        Assert.Equal(expected, full.Top.OrderBy(t => t.Index).Select(t => PortfolioDigest.Of(t.Result)));
        var detailed = Backtest.FromSignalSet([goog], stored, [.. best.Top.Select(t => grid[t.Index])]);
        Assert.Equal(detailed.Select(PortfolioDigest.Of), best.Top.Select(t => PortfolioDigest.Of(t.Result)));
        Assert.True(detailed.Sum(r => r.Trades.Count) > 100, "the best portfolios should trade");
    }

    [Fact]
    public async Task Each_signal_reaches_only_the_shard_that_trades_it()
    {
        var market = SyntheticMarket.Generate(SyntheticMarketOptions.Default with { TradingDays = 5, Seed = 11 });
        var a = SeriesId.Parse("SYNA_1m");
        var strategies = Enumerable.Range(0, 20)
            .Select(i => DeciderCatalog.Strategy("momentum", [a], new Dictionary<string, double> { ["fast"] = 2 + i, ["slow"] = 40 + i }))
            .ToList();
        var set = await GenerateAsync("delivery", [market.Series[0]], strategies, []);
        // 10 portfolios x 20 strategies, each strategy traded by exactly one portfolio, in shards of 2 portfolios.
        var portfolios = Enumerable.Range(0, 10).Select(p => new PortfolioConfig(
            $"d{p}",
            [new StrategyAssignment(strategies[2 * p].InstanceId, a, 0.5), new StrategyAssignment(strategies[(2 * p) + 1].InstanceId, a, 0.5)],
            new FixedFractionSizing(1),
            ExecutionModel.Default,
            RiskLimits.None));

        var summary = await ReplayAsync(set, portfolios, shardSize: 2);

        // Each shard gets its own four strategies' rows, on its own stream, in one batch: 5 published, 5 delivered
        // (a shard handed a strategy none of its portfolios trades fails the run).
        Assert.Equal(5, summary.Shards);
        Assert.Equal(5, summary.SignalBatchesPublished);
        Assert.Equal(5, summary.SignalBatchesDelivered);
        Assert.Equal(10, summary.Evaluated);
    }

    [Fact]
    public async Task In_full_mode_each_signal_also_reaches_only_the_shards_that_trade_it()
    {
        var market = SyntheticMarket.Generate(SyntheticMarketOptions.Default with { TradingDays = 5, Seed = 11 });
        var a = SeriesId.Parse("SYNA_1m");
        var strategies = Enumerable.Range(0, 20)
            .Select(i => DeciderCatalog.Strategy("momentum", [a], new Dictionary<string, double> { ["fast"] = 2 + i, ["slow"] = 40 + i }))
            .ToList();
        await new BaseDatasetStore(fixture.Store).WriteAsync("delivery-full", [market.Series[0]], Cancel);
        var portfolios = Enumerable.Range(0, 10).Select(p => new PortfolioConfig(
            $"d{p}",
            [new StrategyAssignment(strategies[2 * p].InstanceId, a, 0.5), new StrategyAssignment(strategies[(2 * p) + 1].InstanceId, a, 0.5)],
            new FixedFractionSizing(1),
            ExecutionModel.Default,
            RiskLimits.None)).ToList();

        var summary = await FullAsync([market.Series[0]], "delivery-full", strategies, [], portfolios, shardSize: 2);

        // One batch per strategy each time the released time moves; each reaches the one shard that trades it.
        Assert.True(summary.SignalBatchesPublished >= 20 * 5);
        Assert.Equal(summary.SignalBatchesPublished, summary.SignalBatchesDelivered);
        Assert.Equal(Backtest.Full([market.Series[0]], strategies, [], portfolios).Select(PortfolioDigest.Of), InPlanOrder(summary).Select(PortfolioDigest.Of));
    }

    [Fact]
    public async Task A_full_run_naming_a_strategy_it_does_not_generate_is_refused_by_name()
    {
        var market = SyntheticMarket.Generate(SyntheticMarketOptions.Default with { TradingDays = 3, Seed = 29 });
        var a = SeriesId.Parse("SYNA_1m");
        await new BaseDatasetStore(fixture.Store).WriteAsync("unknown-full", [market.Series[0]], Cancel);

        var error = await Assert.ThrowsAsync<ArgumentException>(() => FullAsync([market.Series[0]], "unknown-full", [DeciderCatalog.Strategy("momentum", [a])], [],
            [Trading("p1", "breakout(length=99,long_only=0)@SYNA_1m", a)]));

        Assert.Contains("Portfolio 'p1' trades strategy 'breakout(length=99,long_only=0)@SYNA_1m' on SYNA_1m, which the run's generation does not produce", error.Message);
    }

    [Fact]
    public async Task A_portfolio_filtering_on_a_classifier_the_set_lacks_is_refused_by_name()
    {
        var market = SyntheticMarket.Generate(SyntheticMarketOptions.Default with { TradingDays = 3, Seed = 31 });
        var a = SeriesId.Parse("SYNA_1m");
        var strategy = DeciderCatalog.Strategy("momentum", [a]);
        var set = await GenerateAsync("unknown-classifier", [market.Series[0]], [strategy], []);

        var error = await Assert.ThrowsAsync<ArgumentException>(() => ReplayAsync(set,
            [Trading("p1", strategy.InstanceId, a, new RegimeFilter("trend", new HashSet<string> { "TRENDING_UP" }))]));

        Assert.Contains("Portfolio 'p1' filters on classifier 'trend', which the signal set does not hold", error.Message);
    }

    [Fact]
    public async Task Stream_subscriptions_live_in_memory_and_leave_nothing_in_the_store()
    {
        var market = SyntheticMarket.Generate(SyntheticMarketOptions.Default with { TradingDays = 3, Seed = 17 });
        var a = SeriesId.Parse("SYNA_1m");
        var strategy = DeciderCatalog.Strategy("momentum", [a], new Dictionary<string, double> { ["fast"] = 3, ["slow"] = 20 });
        var set = await GenerateAsync("subscriptions", [market.Series[0]], [strategy], []);

        var summary = await ReplayAsync(set, Enumerable.Range(0, 3).Select(p => new PortfolioConfig(
            $"s{p}", [new StrategyAssignment(strategy.InstanceId, a)], new FixedFractionSizing(0.5), ExecutionModel.Default, RiskLimits.None)));

        Assert.True(summary.SignalBatchesDelivered > 0);
        var pubSubState = await fixture.Store.ListAsync("grain-state/", Cancel)
            .Where(info => info.Key.ToString().Contains("PubSub", StringComparison.OrdinalIgnoreCase))
            .ToListAsync(Cancel);
        Assert.Empty(pubSubState);
    }

    [Fact]
    public async Task Base_data_is_loaded_once_per_silo_not_once_per_portfolio()
    {
        var market = SyntheticMarket.Generate(SyntheticMarketOptions.Default with { TradingDays = 5, Seed = 13 });
        var a = SeriesId.Parse("SYNA_1m");
        var strategy = DeciderCatalog.Strategy("momentum", [a], new Dictionary<string, double> { ["fast"] = 4, ["slow"] = 25 });
        var set = await GenerateAsync("cached", [market.Series[0]], [strategy], []);
        var caches = fixture.Cluster.Silos.Cast<InProcessSiloHandle>().Select(s => s.SiloHost.Services.GetRequiredService<BaseDataCache>()).ToList();
        var before = caches.Select(c => c.Loads).ToList();

        await ReplayAsync(set, Enumerable.Range(0, 40).Select(p => new PortfolioConfig(
            $"c{p}", [new StrategyAssignment(strategy.InstanceId, a)], new FixedFractionSizing(0.5 + (p / 100.0)), ExecutionModel.Default, RiskLimits.None)));

        // Per silo at most: the signal set and the one base series, whatever the number of portfolios.
        Assert.All(caches.Zip(before), pair => Assert.InRange(pair.First.Loads - pair.Second, 0, 2));
    }

    [Fact]
    public async Task A_portfolio_naming_a_strategy_the_set_lacks_is_refused_by_name()
    {
        var market = SyntheticMarket.Generate(SyntheticMarketOptions.Default with { TradingDays = 3, Seed = 17 });
        var a = SeriesId.Parse("SYNA_1m");
        var set = await GenerateAsync("unknown-strategy", [market.Series[0]], [DeciderCatalog.Strategy("momentum", [a])], []);

        var error = await Assert.ThrowsAsync<ArgumentException>(() => ReplayAsync(set,
            [Trading("p1", "breakout(length=99,long_only=0)@SYNA_1m", a)]));

        Assert.Contains("Portfolio 'p1' trades strategy 'breakout(length=99,long_only=0)@SYNA_1m', which the signal set does not hold", error.Message);
    }

    [Fact]
    public async Task A_set_whose_base_data_changed_is_refused()
    {
        var market = SyntheticMarket.Generate(SyntheticMarketOptions.Default with { TradingDays = 3, Seed = 19 });
        var a = SeriesId.Parse("SYNA_1m");
        var strategy = DeciderCatalog.Strategy("momentum", [a]);
        var set = await GenerateAsync("changed-base", [market.Series[0]], [strategy], []);
        var key = ObjectKey.Parse("data/base/changed-base/manifest.json");
        var json = System.Text.Json.Nodes.JsonNode.Parse(await fixture.Store.ReadAllBytesAsync(key, Cancel))!;
        json["series"]!["SYNA_1m"]!["content_hash"] = new string('f', 64);
        await fixture.Store.PutBytesAsync(key, System.Text.Encoding.UTF8.GetBytes(json.ToJsonString()), cancellationToken: Cancel);

        var error = await Assert.ThrowsAsync<ArgumentException>(() => ReplayAsync(set,
            [Trading("p1", strategy.InstanceId, a)]));

        Assert.Contains("regenerate the signals", error.Message);
    }

    [Fact]
    public async Task A_truncated_index_file_fails_the_replay_naming_it()
    {
        var market = SyntheticMarket.Generate(SyntheticMarketOptions.Default with { TradingDays = 3, Seed = 23 });
        var a = SeriesId.Parse("SYNA_1m");
        var strategy = DeciderCatalog.Strategy("momentum", [a], new Dictionary<string, double> { ["fast"] = 3, ["slow"] = 17 });
        var set = await GenerateAsync("truncated", [market.Series[0]], [strategy], []);
        var key = ObjectKey.Parse($"data/indices/{set}/signals.parquet");
        var bytes = await fixture.Store.ReadAllBytesAsync(key, Cancel);
        await fixture.Store.PutBytesAsync(key, bytes[..(bytes.Length / 3)], cancellationToken: Cancel);

        var error = await Assert.ThrowsAsync<RunFailedException>(() => ReplayAsync(set,
            [Trading("p1", strategy.InstanceId, a)]));

        Assert.Contains($"{key}: does not match its manifest", error.Message);
    }
}
