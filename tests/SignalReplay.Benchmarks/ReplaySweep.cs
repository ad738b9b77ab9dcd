using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using SignalReplay.Abstractions;
using SignalReplay.Core.Data;
using SignalReplay.Core.Generation;
using SignalReplay.Core.Portfolio;
using SignalReplay.Core.Replay;
using SignalReplay.Core.Synthetic;
using SignalReplay.Grains;
using SignalReplay.Grains.Replay;
using SignalReplay.Storage.BaseData;
using SignalReplay.Storage.Objects;
using SignalReplay.Storage.Signals;

namespace SignalReplay.Benchmarks;

/// <summary>
/// The replay sweep of the replay issue: 500 portfolio configurations over one year of 1m bars of one
/// synthetic series (98,280 bars): 20 momentum instances x 25 portfolio variants (5 sizings x 5 stop
/// levels), each portfolio trading one instance. Replay on grains (embedded silo) against the Core
/// loop in-process over the stored set, and against regenerating the signals for every configuration.
/// </summary>
internal static class ReplaySweep
{
    public static async Task RunAsync()
    {
        var root = Directory.CreateTempSubdirectory("signalreplay-replay-").FullName;
        try
        {
            var store = new LocalFolderStore(root);
            var market = SyntheticMarket.Generate(SyntheticMarketOptions.Default);
            var series = market.Series[0];
            await new BaseDatasetStore(store).WriteAsync("bench", [series]);
            var strategies = Enumerable.Range(0, 20)
                .Select(i => DeciderCatalog.Strategy("momentum", [series.Id], new Dictionary<string, double> { ["fast"] = 5 + i, ["slow"] = 60 + (5 * i) }))
                .ToList();
            var generated = await new SignalSetStore(store).GenerateAsync(new GenerationRequest("bench", [series.Id], strategies, []));
            var set = await new SignalSetStore(store).ReadAsync(generated.Manifest.Id);
            var configs = Configs(strategies);
            var signals = set.Signals.Sum(s => s.Count);
            Console.WriteLine($"{series.Count:N0} bars, {strategies.Count} strategies ({signals:N0} signals), {configs.Count} portfolios");

            var process = Process.GetCurrentProcess();
            var clock = Stopwatch.StartNew();
            var inProcess = Backtest.FromSignalSet([series], set, [], configs);
            var inProcessSeconds = clock.Elapsed.TotalSeconds;
            process.Refresh();
            var inProcessPeak = process.PeakWorkingSet64;

            clock.Restart();
            var regenerated = configs.Select(config =>
            {
                var strategy = strategies.Single(s => s.InstanceId == config.Assignments[0].StrategyInstance);
                return Backtest.Full([series], [strategy], [], [config])[0];
            }).ToList();
            var regenerateSeconds = clock.Elapsed.TotalSeconds;

            var host = Host.CreateApplicationBuilder();
            host.Logging.SetMinimumLevel(LogLevel.Warning);
            host.UseOrleans(silo => silo
                .UseLocalhostClustering()
                .AddSignalReplay(options => options.Store = ObjectStoreOptions.LocalFolder(root)));
            using var app = host.Build();
            await app.StartAsync();
            var grains = app.Services.GetRequiredService<IGrainFactory>();
            var spec = new ReplaySpec(generated.Manifest.Id, [.. configs.Select(PortfolioWires.FromConfig)], TimeSpan.FromDays(7));
            await grains.GetGrain<IReplayGrain>("warm-up").RunAsync(spec with { Portfolios = spec.Portfolios[..5] });
            clock.Restart();
            var summary = await grains.GetGrain<IReplayGrain>($"sweep-{Guid.NewGuid():N}").RunAsync(spec);
            var grainSeconds = clock.Elapsed.TotalSeconds;
            process.Refresh();
            var peak = process.PeakWorkingSet64;
            await app.StopAsync();

            var same = summary.Portfolios.Select(p => p.Digest).SequenceEqual(inProcess.Select(PortfolioDigest.Of))
                && regenerated.Select(PortfolioDigest.Of).SequenceEqual(inProcess.Select(PortfolioDigest.Of));
            Console.WriteLine();
            Console.WriteLine("| path | wall s | signal deliveries/s | peak working set MB |");
            Console.WriteLine("| --- | ---: | ---: | ---: |");
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| Core replay loop in-process (500 portfolios) | {inProcessSeconds:F2} | | {inProcessPeak / 1e6:F0} |"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| replay on grains, embedded silo ({summary.SignalBatchesDelivered:N0} batches) | {grainSeconds:F2} | {summary.SignalBatchesDelivered / grainSeconds:N0} batches, {configs.Count * signals / (double)strategies.Count / grainSeconds:N0} signals | {peak / 1e6:F0} |"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| regenerating signals per configuration (Core, in-process) | {regenerateSeconds:F2} | | |"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"grains / in-process: {grainSeconds / inProcessSeconds:F2}x; regenerate / grains: {regenerateSeconds / grainSeconds:F1}x; all three bit-identical: {same}"));
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    private static List<PortfolioConfig> Configs(IReadOnlyList<Strategy> strategies)
    {
        var configs = new List<PortfolioConfig>();
        foreach (var strategy in strategies)
        {
            foreach (var fraction in new[] { 0.2, 0.4, 0.6, 0.8, 1.0 })
            {
                foreach (var stop in new double?[] { null, 0.005, 0.01, 0.02, 0.04 })
                {
                    configs.Add(new PortfolioConfig(
                        $"{strategy.InstanceId}|ff={fraction.ToString(CultureInfo.InvariantCulture)}|sl={stop?.ToString(CultureInfo.InvariantCulture) ?? "none"}",
                        [new StrategyAssignment(strategy.InstanceId, strategy.Primary)],
                        new FixedFractionSizing(fraction),
                        new ExecutionModel(CommissionBps: 1, SlippageBps: 1),
                        new RiskLimits(StopLoss: stop)));
                }
            }
        }

        return configs;
    }
}
