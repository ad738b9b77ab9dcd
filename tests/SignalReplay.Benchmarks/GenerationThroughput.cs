using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using SignalReplay.Abstractions;
using SignalReplay.Core.Data;
using SignalReplay.Core.Generation;
using SignalReplay.Core.Synthetic;
using SignalReplay.Grains;
using SignalReplay.Grains.Generation;
using SignalReplay.Storage.BaseData;
using SignalReplay.Storage.Objects;
using SignalReplay.Storage.Signals;

namespace SignalReplay.Benchmarks;

/// <summary>
/// Generation throughput: 4 synthetic series x 1 year of 1m bars, 2 classifiers and 20 strategy
/// instances, through the grains of an embedded silo against the same Core pipeline in-process.
/// Each run regenerates (the stored set's manifest is removed first, or it would be a cache hit).
/// </summary>
internal static class GenerationThroughput
{
    public static async Task RunAsync(int runs)
    {
        var root = Directory.CreateTempSubdirectory("signalreplay-bench-").FullName;
        try
        {
            var store = new LocalFolderStore(root);
            var market = SyntheticMarket.Generate(SyntheticMarketOptions.Default);
            await new BaseDatasetStore(store).WriteAsync("bench", market.Series);
            var spec = Spec();
            var request = spec.Request;
            var bars = market.Series.Sum(s => (long)s.Count);
            Console.WriteLine($"{market.Series.Count} series, {bars:N0} bars, {request.Strategies.Count} strategy instances, {request.Classifiers.Count} classifiers, {runs} timed runs after 1 warm-up");

            var compute = Timings.Measure(runs, () => SignalGeneration.Run(market.Series, request.Strategies, request.Classifiers, spec.Options));
            var signals = new SignalSetStore(store);
            var preloaded = await Timings.MeasureAsync(runs, async () =>
            {
                var plan = await signals.PlanAsync(request);
                var set = SignalGeneration.Run(market.Series, request.Strategies, request.Classifiers, spec.Options);
                var result = await signals.StoreAsync(plan, set);
                await store.DeleteAsync(ObjectKey.Parse($"data/indices/{result.Manifest.Id}/manifest.json"));
            });
            var endToEnd = await Timings.MeasureAsync(runs, async () =>
            {
                var result = await signals.GenerateAsync(request);
                await store.DeleteAsync(ObjectKey.Parse($"data/indices/{result.Manifest.Id}/manifest.json"));
            });

            var host = Host.CreateApplicationBuilder();
            host.Logging.SetMinimumLevel(LogLevel.Warning);
            host.UseOrleans(silo => silo.UseLocalhostClustering().AddSignalReplay(options => options.Store = ObjectStoreOptions.LocalFolder(root)));
            using var app = host.Build();
            await app.StartAsync();
            var grains = app.Services.GetRequiredService<IGrainFactory>();
            GenerationSummary? last = null;
            var onGrains = await Timings.MeasureAsync(runs, async () =>
            {
                last = await grains.GetGrain<IGenerationGrain>($"bench-{Guid.NewGuid():N}").RunAsync(spec);
                await store.DeleteAsync(ObjectKey.Parse($"data/indices/{last.SignalSetId}/manifest.json"));
            });
            await app.StopAsync();

            Console.WriteLine();
            Console.WriteLine("| path | median s | min s | bars/s (median) | vs in-process, series in memory |");
            Console.WriteLine("| --- | ---: | ---: | ---: | ---: |");
            Row("Core pipeline in-process: compute only", compute, bars, preloaded);
            Row("Core pipeline in-process: series in memory, generate + store", preloaded, bars, preloaded);
            Row("Core pipeline in-process: load series + generate + store", endToEnd, bars, preloaded);
            Row($"grains, embedded silo: series grains hold their series, {last!.BatchesDelivered} batches on the stream, generate + store", onGrains, bars, preloaded);
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    private static GenerationRun Spec()
    {
        static Strategy Make(string name, string series, Dictionary<string, double> parameters) =>
            DeciderCatalog.Strategy(name, [.. series.Split('+').Select(SeriesId.Parse)], parameters);
        var strategies = new List<Strategy>();
        foreach (var fast in new[] { 5, 10, 15, 20 })
        {
            foreach (var slow in new[] { 50, 100 })
            {
                strategies.Add(Make("momentum", "SYNA_1m", new() { ["fast"] = fast, ["slow"] = slow }));
            }
        }

        strategies.AddRange(new[] { 7, 14, 21 }.Select(length => Make("mean_reversion", "SYNB_1m", new() { ["length"] = length })));
        strategies.AddRange(new[] { 10, 20, 40, 80 }.Select(length => Make("breakout", "SYNC_1m", new() { ["length"] = length })));
        strategies.AddRange(new[] { 5, 10, 20, 40, 80 }.Select(lookback => Make("correlation_momentum", "SYNA_1m+SYNB_1m+SYND_1m", new() { ["lookback"] = lookback })));
        var a = SeriesId.Parse("SYNA_1m");
        return new GenerationRun(
            new GenerationRequest(
                "bench",
                [.. new[] { "SYNA_1m", "SYNB_1m", "SYNC_1m", "SYND_1m" }.Select(SeriesId.Parse)],
                strategies,
                [new("trend", DeciderCatalog.Classifier("trend", [a])), new("volatility", DeciderCatalog.Classifier("volatility", [a]))]),
            new GenerationOptions { MaxBufferSize = 20_000, BatchWindow = TimeSpan.FromDays(7) });
    }

    private static void Row(string name, Timings seconds, long bars, Timings baseline) =>
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"| {name} | {seconds.Median:F3} | {seconds.Min:F3} | {bars / seconds.Median:N0} | {seconds.Median / baseline.Median:F2}x |"));
}
