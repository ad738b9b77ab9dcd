using SignalReplay.Core.Generation;
using SignalReplay.Storage.BaseData;
using SignalReplay.Storage.Objects;
using SignalReplay.Storage.Signals;

namespace SignalReplay.Storage.Tests.Signals;

/// <summary>
/// SPEC 4: the order in which series are listed, in a run's data section or in a multi-series strategy,
/// never changes a signal. Every permutation generates into a store of its own (so none is a cache hit)
/// and must give the same signal-set id and the same bytes in every file. Only the traded series (the
/// first listed of the fastest timeframe) names another strategy; permutations are grouped by it.
/// </summary>
public sealed class SeriesOrderTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private static IReadOnlyList<BarSeries> Read(string folder, params string[] names) =>
        [.. names.Select(name => CsvBarReader.Read(SharedData.Require($"{folder}/{name}.csv"), SeriesId.Parse(name)))];

    [Fact]
    public async Task Every_order_of_the_daily_series_gives_the_same_set_and_files()
    {
        var series = Read("lean-daily", "SPY_1d", "QQQ_1d", "IWM_1d");
        await AssertOrderFreeAsync(series, ["SPY_1d", "QQQ_1d", "IWM_1d"], all: true);
    }

    [Fact]
    public async Task Every_order_of_the_minute_series_across_timeframes_gives_the_same_set_and_files()
    {
        var minute = Read("lean-minute", "SPY_1m", "IBM_1m", "BAC_1m");
        IReadOnlyList<BarSeries> series = [.. minute, Resampler.Resample(minute[2], Timeframe.Parse("5m"))];
        await AssertOrderFreeAsync(series, ["SPY_1m", "IBM_1m", "BAC_5m"], all: false);
    }

    /// <summary>
    /// Generates correlation_momentum over every order of <paramref name="strategySeries"/>, with the run's series
    /// in every order (crossed with every strategy order when <paramref name="all"/>, else one at a time).
    /// </summary>
    private static async Task AssertOrderFreeAsync(IReadOnlyList<BarSeries> series, string[] strategySeries, bool all)
    {
        var runOrders = Permutations(series.Select(s => s.Id).ToArray()).ToList();
        var strategyOrders = Permutations(strategySeries.Select(SeriesId.Parse).ToArray()).ToList();
        var cases = all
            ? [.. from run in runOrders from strategy in strategyOrders select (run, strategy)]
            : runOrders.Select(run => (run, strategyOrders[0])).Concat(strategyOrders.Select(strategy => (runOrders[0], strategy))).ToList();

        // The traded series of each strategy name it; everything else about the order must not matter.
        var byPrimary = new Dictionary<(SeriesId, SeriesId), (string Id, Dictionary<string, byte[]> Files, string Case)>();
        SeriesId[] pairSeries = [SeriesId.Parse(strategySeries[0]), SeriesId.Parse(strategySeries[^1])];
        foreach (var (run, strategy) in cases)
        {
            var parameters = new Dictionary<string, double> { ["lookback"] = 5, ["correlation_length"] = 20, ["min_correlation"] = 0 };
            var multi = DeciderCatalog.Strategy("correlation_momentum", strategy, parameters);
            var pair = DeciderCatalog.Strategy("correlation_momentum", [.. strategy.Where(pairSeries.Contains)], parameters);
            var request = new GenerationRequest(
                "lean",
                run,
                [pair, multi],
                [new("trend", DeciderCatalog.Classifier("trend", [pairSeries[^1]], new Dictionary<string, double> { ["fast"] = 5, ["slow"] = 20 }))]);
            var (id, files) = await GenerateAsync(series, request);
            var label = $"run [{string.Join(", ", run)}], strategy [{string.Join(", ", strategy)}]";
            if (!byPrimary.TryGetValue((multi.Primary, pair.Primary), out var first))
            {
                Assert.True(files["signals.parquet"].Length > 0);
                byPrimary[(multi.Primary, pair.Primary)] = (id, files, label);
                continue;
            }

            Assert.True(first.Id == id, $"{label} named set {id}, {first.Case} named {first.Id}");
            foreach (var (name, bytes) in first.Files)
            {
                Assert.True(bytes.AsSpan().SequenceEqual(files[name]), $"{name} differs between {first.Case} and {label}");
            }
        }

        Assert.True(byPrimary.Count >= 2, "some orders should trade another primary");
        Assert.Equal(byPrimary.Count, byPrimary.Values.Select(v => v.Id).Distinct().Count());
    }

    /// <summary>Generates into a store of its own; returns the set id and the bytes of every file under its folder.</summary>
    private static async Task<(string Id, Dictionary<string, byte[]> Files)> GenerateAsync(IReadOnlyList<BarSeries> series, GenerationRequest request)
    {
        using var folder = new TempFolder();
        var store = new LocalFolderStore(folder.Path);
        await new BaseDatasetStore(store).WriteAsync("lean", series, Cancel);
        var result = await new SignalSetStore(store).GenerateAsync(request, cancellationToken: Cancel);
        Assert.False(result.CacheHit);
        var prefix = DataLayout.SignalSetPrefix(result.Manifest.Id);
        var files = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        await foreach (var info in store.ListAsync(prefix, Cancel))
        {
            files[info.Key.Value[prefix.Length..]] = await store.ReadAllBytesAsync(info.Key, Cancel);
        }

        Assert.Equal(["classifier_changes.parquet", "cross_references/symbol_alignment.parquet", "manifest.json", "signals.parquet"], files.Keys.Order(StringComparer.Ordinal));
        return (result.Manifest.Id, files);
    }

    private static IEnumerable<SeriesId[]> Permutations(SeriesId[] items) => items.Length <= 1
        ? [items]
        : items.SelectMany((item, i) => Permutations([.. items.Take(i), .. items.Skip(i + 1)]).Select(rest => (SeriesId[])[item, .. rest]));
}
