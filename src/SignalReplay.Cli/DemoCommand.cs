using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Spectre.Console;
using SignalReplay.Core.Synthetic;
using SignalReplay.Abstractions;
using SignalReplay.Core.Generation;
using SignalReplay.Core.Portfolio;
using SignalReplay.Grains.Generation;
using SignalReplay.Grains.Replay;
using SignalReplay.Storage.BaseData;

namespace SignalReplay.Cli;

/// <summary>
/// <c>demo</c>: the main job on the embedded default, needing nothing but the .NET SDK: a synthetic
/// market stored as a base dataset, signals generated once on grains, then replayed into a grid of
/// portfolio grains, with a leaderboard. The multi-phase optimization joins when it lands.
/// </summary>
internal static class DemoCommand
{
    private static readonly Timeframe[] Resamples = [Timeframe.Parse("5m"), Timeframe.Parse("1h"), Timeframe.Parse("1d")];

    public static Command Build(IAnsiConsole console)
    {
        var days = new Option<int>("--days")
        {
            Description = $"Trading days of synthetic 1-minute bars, at least {DemoRun.MinimumDays}.",
            DefaultValueFactory = _ => 252,
            Validators =
            {
                result =>
                {
                    if (result.GetValueOrDefault<int>() < DemoRun.MinimumDays)
                    {
                        result.AddError($"--days must be at least {DemoRun.MinimumDays}: the demo ranks by Sharpe, which needs 3 trading days, in sample and held out.");
                    }
                },
            },
        };
        var seed = new Option<ulong>("--seed") { Description = "Seed of the synthetic market: same seed, same bytes.", DefaultValueFactory = _ => 42 };
        var command = new Command("demo", "Synthetic market -> base dataset -> grid -> regime -> ensemble -> walk-forward over 270 configurations on the embedded silo -> leaderboards and report.")
        {
            days,
            seed,
        };
        command.SetAction((parse, cancellationToken) => CommandAction.RunAsync(console, parse, async () =>
        {
            var options = SyntheticMarketOptions.Default with { TradingDays = parse.GetValue(days), Seed = parse.GetValue(seed) };
            var store = LocalStore.Open(parse.GetValue(SignalReplayCommandLine.Store)!);
            var dataset = string.Create(CultureInfo.InvariantCulture, $"synthetic-s{options.Seed}-{options.TradingDays}d");
            var clock = Stopwatch.StartNew();

            List<BarSeries> series = [];
            BaseDatasetManifest? manifest = null;
            await console.Status().StartAsync("Generating the synthetic market", async context =>
            {
                var market = SyntheticMarket.Generate(options);
                context.Status("Resampling to 5m, 1h and 1d");
                series = [.. market.Series, .. market.Series.SelectMany(one => Resamples.Select(target => Resampler.Resample(one, target)))];
                context.Status($"Writing base dataset {dataset}");
                manifest = await new BaseDatasetStore(store.Objects).WriteAsync(dataset, series, cancellationToken);
            });
            DatasetTable.Write(console, manifest!, series.Where(s => s.Id.Timeframe == Timeframe.OneMinute).Select(s => s.Id.ToString()).ToHashSet());

            var tradingDays = series.Where(s => s.Id.Timeframe == Timeframe.Parse("1d")).SelectMany(s => Enumerable.Range(0, s.Count).Select(i => Date(s[i].Time)));
            var config = DemoRun.Config(dataset, [.. tradingDays.Distinct().Order()]);
            await OptimizationRun.RunAsync(console, store, config, "demo", cancellationToken);
            console.MarkupLineInterpolated(
                $"[green]Done[/] in {clock.Elapsed.TotalSeconds:F1} s: {series.Sum(s => s.Count):N0} bars of {options.Symbols.Count} symbols in base dataset {dataset}.");
            console.MarkupLine("Next: [bold]signalreplay results top <run>[/] for any phase, or edit [bold]examples/optimize.yaml[/] and run [bold]signalreplay optimize[/] on it.");
        }));
        return command;
    }

    private static DateOnly Date(long unixMillis) => DateOnly.FromDateTime(DateTimeOffset.FromUnixTimeMilliseconds(unixMillis).UtcDateTime);
}
