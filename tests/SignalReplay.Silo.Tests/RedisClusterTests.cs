using SignalReplay.Core.Data;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans;
using Orleans.Configuration;
using Orleans.Runtime;
using SignalReplay.Abstractions;
using SignalReplay.Core.Generation;
using SignalReplay.Core.Synthetic;
using SignalReplay.Core.Portfolio;
using SignalReplay.Core.Replay;
using SignalReplay.Grains.Generation;
using SignalReplay.Grains.Replay;
using SignalReplay.Storage.BaseData;
using SignalReplay.Storage.Objects;
using SignalReplay.Storage.Signals;
using StackExchange.Redis;

namespace SignalReplay.Silo.Tests;

/// <summary>Two silo host processes that find each other through Redis, as they do in Azure: generation and replay across them.</summary>
[Collection(RedisCollection.Name)]
public sealed class RedisClusterTests(RedisFixture redis)
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Two_silo_processes_clustered_through_redis_generate_and_replay_what_one_process_does()
    {
        redis.Require();
        using var folder = new TempFolder();
        var storeRoot = folder.Combine("store");
        var clusterId = "test-" + Guid.NewGuid().ToString("N")[..8];
        var market = SyntheticMarket.Generate(SyntheticMarketOptions.Default with { TradingDays = 15 });
        await new BaseDatasetStore(new LocalFolderStore(storeRoot)).WriteAsync("synthetic", market.Series, Cancel);

        await using var first = await StartSiloAsync(storeRoot, clusterId);
        await using var second = await StartSiloAsync(storeRoot, clusterId);
        using var client = await ConnectAsync(clusterId);
        var grains = client.Services.GetRequiredService<IClusterClient>();
        await WaitForSilosAsync(grains, 2);

        var spec = Spec();
        var summary = await grains.GetGrain<IGenerationGrain>($"run-{Guid.NewGuid():N}").RunAsync(spec);

        var stored = await new SignalSetStore(new LocalFolderStore(storeRoot)).ReadAsync(summary.SignalSetId, Cancel);
        var request = spec.Request;
        var series = market.Series.Where(s => request.Series.Contains(s.Id)).ToList();
        SignalSetAssert.Same(SignalGeneration.Run(series, request.Strategies, request.Classifiers), stored);

        // A replay in 4 shards spread over both silo processes equals the same replay in one process, bit for bit.
        var portfolios = PortfolioGrid.Build(request.Strategies).Take(12).ToList();
        var replayed = await grains.GetGrain<IReplayGrain>($"replay-{Guid.NewGuid():N}")
            .RunAsync(new ReplayRun(summary.SignalSetId, null, [.. portfolios], KeepDetail: true, ShardSize: 3));
        var single = Backtest.FromSignalSet(series, stored, portfolios);
        Assert.Equal(single.Select(PortfolioDigest.Of), replayed.Top.OrderBy(t => t.Index).Select(t => PortfolioDigest.Of(t.Result)));
        Assert.True(single.Sum(r => r.Trades.Count) > 0);
        Assert.Equal(4, replayed.Shards);
        Assert.Equal(2, replayed.Hosts.Length); // both processes ran shards
        Assert.Equal(2, (await grains.GetGrain<IManagementGrain>(0).GetHosts(onlyActive: true, Cancel)).Count);

        // The Redis providers' retry attempts stay below Information (they once were most of a host's log).
        Assert.DoesNotContain("Execution attempt", first.Output + second.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Two_silo_processes_with_the_example_plugin_optimize_a_run_of_its_strategy_started_by_the_cli()
    {
        redis.Require();
        var plugin = DotnetProcess.ExamplePlugin();
        using var folder = new TempFolder();
        var storeRoot = folder.Combine("store");
        var clusterId = "plugin-" + Guid.NewGuid().ToString("N")[..8];
        var market = SyntheticMarket.Generate(SyntheticMarketOptions.Default with { TradingDays = 15 });
        await new BaseDatasetStore(new LocalFolderStore(storeRoot)).WriteAsync("synthetic", [.. market.Series.Take(2)], Cancel);
        var config = folder.Combine("squeeze.yaml");
        await File.WriteAllTextAsync(config, $$"""
            name: squeeze
            plugins: [{{plugin}}]
            data: { dataset: synthetic, series: [SYNA_1m, SYNB_1m] }
            classifiers: [ { name: trend, series: SYNA_1m } ]
            strategies:
              - { name: bollinger_squeeze, series: SYNA_1m, params: { length: [20, 60], squeeze: [0.001, 0.004] } }
              - { name: momentum, series: SYNB_1m, params: { fast: 10, slow: 40 } }
            portfolio: { risk: { stop_loss: [none, 0.005] } }
            phases:
              - { name: grid, kind: grid, top: 3 }
              - { name: regime, kind: regime, classifier: trend }
            """, Cancel);

        await using var first = await StartSiloAsync(storeRoot, clusterId, plugin, waitForHttp: true);
        await using var second = await StartSiloAsync(storeRoot, clusterId, plugin, waitForHttp: false);
        using var client = await ConnectAsync(clusterId);
        await WaitForSilosAsync(client.Services.GetRequiredService<IClusterClient>(), 2);

        var (exitCode, output) = await DotnetProcess.CliAsync(folder.Path, ["optimize", config, "--api", first.Api.ToString()], Cancel);

        Assert.True(exitCode == 0, output + first.Output + second.Output);
        Assert.Contains("Loaded plugin BollingerSqueeze 1.0.0.0", first.Output, StringComparison.Ordinal);
        Assert.Contains("Loaded plugin BollingerSqueeze 1.0.0.0", second.Output, StringComparison.Ordinal);
        var run = Path.GetFileName(Assert.Single(Directory.GetDirectories(Path.Combine(storeRoot, "results")), d => !Path.GetFileName(d).StartsWith('.')));
        var summary = await new SignalReplay.Storage.Results.ResultsReader(new LocalFolderStore(storeRoot)).ReadSummaryAsync(run, Cancel);
        Assert.Equal(10, summary!.Phases[0].Evaluated); // 5 strategy instances x 2 stop levels
        Assert.Contains(summary.Phases[0].Best, b => b.Portfolio.StartsWith("bollinger_squeeze(", StringComparison.Ordinal));
    }

    private static GenerationRun Spec()
    {
        SeriesId a = SeriesId.Parse("SYNA_1m"), b = SeriesId.Parse("SYNB_1m"), c = SeriesId.Parse("SYNC_1m");
        return new GenerationRun(
            new GenerationRequest(
                "synthetic",
                [a, b, c],
                [
                    DeciderCatalog.Strategy("momentum", [a], new Dictionary<string, double> { ["fast"] = 10, ["slow"] = 40 }),
                    DeciderCatalog.Strategy("breakout", [c], new Dictionary<string, double> { ["length"] = 30 }),
                    DeciderCatalog.Strategy("correlation_momentum", [a, b]),
                ],
                [new("trend", DeciderCatalog.Classifier("trend", [a]))]),
            new GenerationOptions { MaxBufferSize = 20_000, BatchWindow = TimeSpan.FromDays(2) });
    }

    private Task<SiloHostProcess> StartSiloAsync(string storeRoot, string clusterId, string? plugins = null, bool waitForHttp = false) =>
        SiloHostProcess.StartAsync(
            storeRoot,
            new Dictionary<string, string>
            {
                ["SignalReplay__Clustering"] = "Redis",
                ["SignalReplay__Redis__ConnectionString"] = redis.ConnectionString,
                ["SignalReplay__ClusterId"] = clusterId,
                ["SignalReplay__AdvertisedAddress"] = "127.0.0.1",
                ["SignalReplay__Plugins"] = plugins ?? string.Empty,
            },
            waitForHttp);

    private async Task<IHost> ConnectAsync(string clusterId)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.UseOrleansClient(client => client
            .UseRedisClustering(options => options.ConfigurationOptions = ConfigurationOptions.Parse(redis.ConnectionString))
            .Configure<ClusterOptions>(options => (options.ClusterId, options.ServiceId) = (clusterId, "signalreplay")));
        var host = builder.Build();
        await host.StartAsync(Cancel);
        return host;
    }

    private static async Task WaitForSilosAsync(IClusterClient grains, int count)
    {
        var clock = Stopwatch.StartNew();
        var management = grains.GetGrain<IManagementGrain>(0);
        while ((await management.GetHosts(onlyActive: true, Cancel)).Count < count)
        {
            // A bound on liveness, not a timing: under CI every test assembly runs at once (builds among them) on 2 cores.
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(180), $"{count} silos did not join within 180 s.");
            await Task.Delay(250, Cancel);
        }
    }
}
