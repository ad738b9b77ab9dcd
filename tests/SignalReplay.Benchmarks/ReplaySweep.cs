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
    /// <summary>Days of signals per stream batch (one round): 51 rounds a year at 7, 13 at 28.</summary>
    private static readonly int Window = int.TryParse(Environment.GetEnvironmentVariable("REPLAY_WINDOW_DAYS"), out var days) ? days : 28;

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

            // Every path runs once on a few configurations first, so no timing includes JIT compilation.
            var process = Process.GetCurrentProcess();
            Backtest.FromSignalSet([series], set, [], configs[..5]);
            Backtest.FromSignalSet([series], set, [], configs[..5], eventTime: false);
            Regenerate(configs[..2], strategies, series);
            var clock = Stopwatch.StartNew();
            Backtest.FromSignalSet([series], set, [], configs);
            var inProcessColdSeconds = clock.Elapsed.TotalSeconds;
            clock.Restart();
            var inProcess = Backtest.FromSignalSet([series], set, [], configs);
            var inProcessSeconds = clock.Elapsed.TotalSeconds;
            process.Refresh();
            var inProcessPeak = process.PeakWorkingSet64;

            clock.Restart();
            var perBar = Backtest.FromSignalSet([series], set, [], configs, eventTime: false);
            var perBarSeconds = clock.Elapsed.TotalSeconds;

            clock.Restart();
            var regenerated = Regenerate(configs, strategies, series);
            var regenerateSeconds = clock.Elapsed.TotalSeconds;

            clock.Restart();
            foreach (var config in configs)
            {
                SignalGeneration.Run([series], [strategies.Single(s => s.InstanceId == config.Assignments[0].StrategyInstance)], []);
            }

            var generateOnlySeconds = clock.Elapsed.TotalSeconds;

            var host = Host.CreateApplicationBuilder();
            host.Logging.SetMinimumLevel(LogLevel.Warning);
            host.UseOrleans(silo => silo
                .UseLocalhostClustering()
                .AddSignalReplay(options => options.Store = ObjectStoreOptions.LocalFolder(root)));
            using var app = host.Build();
            await app.StartAsync();
            var grains = app.Services.GetRequiredService<IGrainFactory>();
            var spec = new ReplaySpec(generated.Manifest.Id, [.. configs.Select(PortfolioWires.FromConfig)], TimeSpan.FromDays(Window));
            await grains.GetGrain<IReplayGrain>("warm-up").RunAsync(spec with { Portfolios = spec.Portfolios[..5] });
            clock.Restart();
            await grains.GetGrain<IReplayGrain>($"sweep-{Guid.NewGuid():N}").RunAsync(spec);
            var grainColdSeconds = clock.Elapsed.TotalSeconds;
            clock.Restart();
            var summary = await grains.GetGrain<IReplayGrain>($"sweep-{Guid.NewGuid():N}").RunAsync(spec);
            var grainSeconds = clock.Elapsed.TotalSeconds;
            process.Refresh();
            var peak = process.PeakWorkingSet64;
            await app.StopAsync();

            var digests = inProcess.Select(PortfolioDigest.Of).ToList();
            var same = summary.Portfolios.Select(p => p.Digest).SequenceEqual(digests)
                && regenerated.Select(PortfolioDigest.Of).SequenceEqual(digests)
                && perBar.Select(PortfolioDigest.Of).SequenceEqual(digests);
            Console.WriteLine();
            Console.WriteLine("| path | wall s | signal deliveries/s | peak working set MB |");
            Console.WriteLine("| --- | ---: | ---: | ---: |");
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| Core replay in-process, event time (500 portfolios, one thread; first run {inProcessColdSeconds:F2} s) | {inProcessSeconds:F2} | {configs.Count * signals / (double)strategies.Count / inProcessSeconds:N0} signals | {inProcessPeak / 1e6:F0} |"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| Core replay in-process, per-bar reference loop | {perBarSeconds:F2} | | |"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| replay on grains, embedded silo ({summary.SignalBatchesDelivered:N0} batches; first run {grainColdSeconds:F2} s) | {grainSeconds:F2} | {summary.SignalBatchesDelivered / grainSeconds:N0} batches, {configs.Count * signals / (double)strategies.Count / grainSeconds:N0} signals | {peak / 1e6:F0} |"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| regenerating per configuration: full mode (generate + trade, Core) | {regenerateSeconds:F2} | | |"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| regenerating per configuration: signal generation alone (Core) | {generateOnlySeconds:F2} | | |"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"grains / in-process: {grainSeconds / inProcessSeconds:F2}x; full-mode regeneration / grains: {regenerateSeconds / grainSeconds:F1}x; generation alone / grains: {generateOnlySeconds / grainSeconds:F1}x; all four bit-identical: {same}"));
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    /// <summary>The sweep without a signal store: every configuration generates its strategy's signals and trades them in one pass.</summary>
    private static List<PortfolioResult> Regenerate(IReadOnlyList<PortfolioConfig> configs, IReadOnlyList<Strategy> strategies, BarSeries series) =>
        [.. configs.Select(config =>
        {
            var strategy = strategies.Single(s => s.InstanceId == config.Assignments[0].StrategyInstance);
            return Backtest.Full([series], [strategy], [], [config])[0];
        })];

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
