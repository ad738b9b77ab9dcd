using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Spectre.Console;
using SignalReplay.Core.Synthetic;
using SignalReplay.Storage.BaseData;

namespace SignalReplay.Cli;

/// <summary>
/// <c>demo</c>: the main job on the embedded default, needing nothing but the .NET SDK. Today it
/// builds a synthetic base dataset; signal generation and optimization join as they land.
/// </summary>
internal static class DemoCommand
{
    private static readonly Timeframe[] Resamples = [Timeframe.Parse("5m"), Timeframe.Parse("1h"), Timeframe.Parse("1d")];

    public static Command Build(IAnsiConsole console)
    {
        var days = new Option<int>("--days") { Description = "Trading days of synthetic 1-minute bars.", DefaultValueFactory = _ => 252 };
        var seed = new Option<ulong>("--seed") { Description = "Seed of the synthetic market: same seed, same bytes.", DefaultValueFactory = _ => 42 };
        var command = new Command("demo", "Generate a synthetic multi-symbol market and store it as a base dataset in the local store.")
        {
            days,
            seed,
        };
        command.SetAction((parse, cancellationToken) => CommandAction.RunAsync(console, async () =>
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

            DatasetTable.Write(console, manifest!, series.Select(s => s.Id.ToString()).ToHashSet());
            console.MarkupLineInterpolated(
                $"[green]Done[/] in {clock.Elapsed.TotalSeconds:F1} s: {series.Sum(s => s.Count):N0} bars of {options.Symbols.Count} symbols in [bold]{store.Root}[/] under data/base/{dataset}/");
            console.MarkupLine("Signal generation, replay and the multi-phase optimization are not built yet; this demo grows with them.");
        }));
        return command;
    }
}
