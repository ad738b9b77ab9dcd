using SignalReplay.Core.Generation;
using SignalReplay.Core.Portfolio;
using SignalReplay.Core.Replay;
using SignalReplay.Storage.BaseData;
using SignalReplay.Storage.Objects;
using SignalReplay.Storage.Signals;

namespace SignalReplay.Storage.Tests.Replay;

/// <summary>
/// SPEC 3's central guarantee at the domain level: replaying a stored signal set gives exactly the
/// trades, equity and metrics of generating and trading in one pass, for a grid of configurations.
/// </summary>
public sealed class IsomorphismTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private static async Task AssertReplayEqualsFullAsync(string dataset, IReadOnlyList<BarSeries> series, List<Strategy> strategies, List<KeyValuePair<string, Classifier>> classifiers)
    {
        using var folder = new TempFolder();
        var store = new LocalFolderStore(folder.Path);
        await new BaseDatasetStore(store).WriteAsync(dataset, series, Cancel);
        var signals = new SignalSetStore(store);
        var generated = await signals.GenerateAsync(new GenerationRequest(dataset, [.. series.Select(s => s.Id)], strategies, classifiers), cancellationToken: Cancel);
        var stored = await signals.ReadAsync(generated.Manifest.Id, Cancel);
        var grid = PortfolioGrid.Build(strategies);

        var full = Backtest.Full(series, strategies, classifiers, grid);
        var replayed = Backtest.FromSignalSet(series, stored, grid);

        Assert.True(grid.Count >= 50);
        Assert.True(full.Sum(r => r.Trades.Count) > 100, "the grid should trade");
        foreach (var (expected, actual) in full.Zip(replayed))
        {
            PortfolioResultAssert.Identical(expected, actual);
        }
    }

    [Fact]
    public async Task Replay_of_a_stored_signal_set_equals_full_mode_bit_for_bit_on_synthetic_data()
    {
        var (series, strategies, classifiers) = ReplayCases.Synthetic(tradingDays: 30, seed: 42);
        await AssertReplayEqualsFullAsync("synthetic", series, strategies, classifiers);
    }

    [Fact]
    public async Task Replay_of_a_stored_signal_set_equals_full_mode_bit_for_bit_on_real_minute_data()
    {
        var (series, strategies, classifiers) = ReplayCases.LeanMinute();
        await AssertReplayEqualsFullAsync("lean", series, strategies, classifiers);
    }
}
