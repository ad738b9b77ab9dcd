using System.Diagnostics;
using System.Globalization;
using System.Runtime;
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
    /// <summary>
    /// Days of signals per stream batch (one round): 51 rounds a year at 7 (a run config's default
    /// <c>batch_window</c>), 13 at 28.
    /// </summary>
    private static readonly int Window = int.TryParse(Environment.GetEnvironmentVariable("REPLAY_WINDOW_DAYS"), out var days) ? days : 7;

    /// <summary>Portfolios per shard on grains (REPLAY_SHARD_SIZE); by default the silo's choice.</summary>
    private static readonly int? ShardSize = int.TryParse(Environment.GetEnvironmentVariable("REPLAY_SHARD_SIZE"), out var size) ? size : null;

    public static async Task RunAsync(int runs)
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
            var deliveries = configs.Count * signals / (double)strategies.Count;
            Console.WriteLine($"{series.Count:N0} bars, {strategies.Count} strategies ({signals:N0} signals), {configs.Count} portfolios, {runs} timed runs per fast path, GC {(GCSettings.IsServerGC ? "server" : "workstation")}");

            // Each path keeps only the digests of its portfolios, so no path's results weigh on the next one's heap.
            List<string> Digests(IEnumerable<PortfolioResult> results) => [.. results.Select(PortfolioDigest.Of)];
            var digests = Digests(Backtest.FromSignalSet([series], set, configs[..5]));
            var inProcess = Timings.Measure(runs, () => digests = Digests(Backtest.FromSignalSet([series], set, configs)));
            var inProcessPeak = PeakWorkingSet();
            List<string> Metrics(IReadOnlyList<PortfolioConfig> portfolios)
            {
                var rows = new string[portfolios.Count];
                Backtest.Sweep([series], set, portfolios, keepDetail: false, (i, r) => rows[i] = MetricsDigest(r));
                return [.. rows];
            }

            Digests(Backtest.FromSignalSet([series], set, configs[..5], eventTime: false));
            var perBar = Timings.Measure(0, () => Check("per-bar loop", digests, Digests(Backtest.FromSignalSet([series], set, configs, eventTime: false))));

            Regenerate(configs[..2], strategies, series);
            var regenerate = Timings.Measure(0, () => Check("full-mode regeneration", digests, Digests(Regenerate(configs, strategies, series))));
            var generateOnly = Timings.Measure(0, () =>
            {
                foreach (var config in configs)
                {
                    SignalGeneration.Run([series], [strategies.Single(s => s.InstanceId == config.Assignments[0].StrategyInstance)], []);
                }
            });

            var host = Host.CreateApplicationBuilder();
            host.Logging.SetMinimumLevel(LogLevel.Warning);
            host.UseOrleans(silo => silo
                .UseLocalhostClustering()
                .AddSignalReplay(options => options.Store = ObjectStoreOptions.LocalFolder(root)));
            using var app = host.Build();
            await app.StartAsync();
            var grains = app.Services.GetRequiredService<IGrainFactory>();
            // The sweep shape: every portfolio scored by its metrics (no trades or equity kept), as a grid phase runs.
            var metrics = Metrics(configs);
            var spec = new ReplayRun(generated.Manifest.Id, null, [.. configs], ShardSize: ShardSize);
            await grains.GetGrain<IReplayGrain>("warm-up").RunAsync(spec with { Portfolios = spec.Portfolios[..5] });
            ReplayOutcome? summary = null;
            var pause = GC.GetTotalPauseDuration();
            // The ratio that matters, measured side by side: one thread of the Core loop against the grains, in turn.
            var paired = await Paired.MeasureAsync(
                runs,
                () => Task.Run(() => Check("in-process sweep", metrics, Metrics(configs))),
                async () =>
                {
                    summary = await grains.GetGrain<IReplayGrain>($"sweep-{Guid.NewGuid():N}").RunAsync(spec);
                    Check("grains", metrics, [.. summary.Top.OrderBy(t => t.Index).Select(t => MetricsDigest(t.Result))]);
                });
            var (sweep, onGrains) = (paired.A, paired.B);

            // The machine's ceiling for two threads: the same Core sweep, the portfolios dealt alternately to two threads.
            PortfolioConfig[][] halves = [[.. configs.Where((_, i) => i % 2 == 0)], [.. configs.Where((_, i) => i % 2 == 1)]];
            var twoThreads = await Paired.MeasureAsync(
                runs,
                () => Task.Run(() => Metrics(configs)),
                () => Task.WhenAll(halves.Select(half => Task.Run(() => Metrics(half)))));
            var gcPausePerRun = (GC.GetTotalPauseDuration() - pause).TotalSeconds / (2 * (runs + 1));
            var peak = PeakWorkingSet();

            // Memory against the number of portfolios: the managed heap's peak during a run, above what the
            // silo held before it (base data, signal set, BarTable stay loaded between runs).
            var scaling = new List<(int Portfolios, double PeakMb)>();
            foreach (var count in new[] { 125, 250, 500 })
            {
                var before = GC.GetTotalMemory(forceFullCollection: true);
                using var sampler = new HeapPeakSampler();
                await grains.GetGrain<IReplayGrain>($"memory-{Guid.NewGuid():N}").RunAsync(spec with { Portfolios = spec.Portfolios[..count] });
                scaling.Add((count, (sampler.Stop() - before) / 1e6));
            }

            await app.StopAsync();

            Console.WriteLine();
            Console.WriteLine("| path | median s | min s | first run s | signals delivered/s (median) | peak working set MB |");
            Console.WriteLine("| --- | ---: | ---: | ---: | ---: | ---: |");
            Row("Core replay in-process, event time, results kept whole (one thread)", inProcess, $"{deliveries / inProcess.Median:N0}", $"{inProcessPeak:F0}");
            Row("Core replay in-process, event time, metrics only: the sweep shape (one thread)", sweep, $"{deliveries / sweep.Median:N0}", "");
            Row("Core replay in-process, per-bar reference loop", perBar, "", "");
            Row("Core replay in-process, metrics only, on two threads (portfolios dealt alternately): the machine's ceiling", twoThreads.B, $"{deliveries / twoThreads.B.Median:N0}", "");
            Row($"replay on grains, embedded silo, metrics only ({summary!.Shards} shards, {summary.SignalBatchesDelivered:N0} stream batches, GC pauses {gcPausePerRun:F3} s a run)", onGrains, $"{deliveries / onGrains.Median:N0}", $"{peak:F0}");
            Row("regenerating per configuration: full mode (generate + trade, Core)", regenerate, "", "");
            Row("regenerating per configuration: signal generation alone (Core)", generateOnly, "", "");
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"in-process one thread / two threads, median of {runs} paired runs: {twoThreads.MedianRatio:F2}x (range {twoThreads.SortedRatios[0]:F2}-{twoThreads.SortedRatios[^1]:F2})"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"in-process one thread / grains, metrics only, median of {runs} paired runs: {paired.MedianRatio:F2}x (range {paired.SortedRatios[0]:F2}-{paired.SortedRatios[^1]:F2}); full-mode regeneration / grains: {regenerate.Median / onGrains.Median:F1}x; generation alone / grains: {generateOnly.Median / onGrains.Median:F1}x; every path bit-identical (checked per run)"));
            Console.WriteLine();
            Console.WriteLine("| portfolios on grains | peak managed heap above the idle silo, MB | per portfolio, KB |");
            Console.WriteLine("| ---: | ---: | ---: |");
            foreach (var (count, peakMb) in scaling)
            {
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {count} | {peakMb:F1} | {peakMb * 1000 / count:F0} |"));
            }
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    /// <summary>Every metric, the final equity and the counts of a result, bit for bit.</summary>
    private static string MetricsDigest(PortfolioResult result) => string.Join(',',
        [result.PortfolioId, .. PerformanceMetrics.Names.Select(n => BitConverter.DoubleToInt64Bits(result.Metrics.Get(n)).ToString(CultureInfo.InvariantCulture)),
         BitConverter.DoubleToInt64Bits(result.FinalEquity).ToString(CultureInfo.InvariantCulture), result.BoundaryTrades.ToString(CultureInfo.InvariantCulture), result.RiskRejects.ToString(CultureInfo.InvariantCulture)]);

    private static void Check(string path, List<string> expected, List<string> actual)
    {
        if (!actual.SequenceEqual(expected))
        {
            throw new InvalidOperationException($"The {path} results differ from the in-process replay's.");
        }
    }

    /// <summary>Samples the managed heap every millisecond on a thread of its own until stopped; returns the largest size seen.</summary>
    private sealed class HeapPeakSampler : IDisposable
    {
        private readonly Thread _thread;
        private volatile bool _stopped;
        private long _peak;

        public HeapPeakSampler()
        {
            _thread = new Thread(() =>
            {
                while (!_stopped)
                {
                    _peak = Math.Max(_peak, GC.GetTotalMemory(forceFullCollection: false));
                    Thread.Sleep(1);
                }
            }) { IsBackground = true };
            _thread.Start();
        }

        public long Stop()
        {
            _stopped = true;
            _thread.Join();
            return _peak;
        }

        public void Dispose() => Stop();
    }

    private static double PeakWorkingSet()
    {
        using var process = Process.GetCurrentProcess();
        return process.PeakWorkingSet64 / 1e6;
    }

    private static void Row(string path, Timings seconds, string rate, string peak) =>
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"| {path} | {seconds.Median:F2} | {seconds.Min:F2} | {seconds.First:F2} | {rate} | {peak} |"));

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
