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
        var days = new Option<int>("--days") { Description = "Trading days of synthetic 1-minute bars.", DefaultValueFactory = _ => 252 };
        var seed = new Option<ulong>("--seed") { Description = "Seed of the synthetic market: same seed, same bytes.", DefaultValueFactory = _ => 42 };
        var command = new Command("demo", "Synthetic market -> base dataset -> signals generated once on grains -> replayed into 54 portfolios -> leaderboard.")
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
            GenerationSummary? generated = null;
            ReplaySummary? replayed = null;
            var spec = DemoGeneration(dataset);
            var portfolios = new List<PortfolioConfig>();
            await console.Status().StartAsync("Generating the synthetic market", async context =>
            {
                var market = SyntheticMarket.Generate(options);
                context.Status("Resampling to 5m, 1h and 1d");
                series = [.. market.Series, .. market.Series.SelectMany(one => Resamples.Select(target => Resampler.Resample(one, target)))];
                context.Status($"Writing base dataset {dataset}");
                manifest = await new BaseDatasetStore(store.Objects).WriteAsync(dataset, series, cancellationToken);

                context.Status("Starting the embedded silo");
                await using var silo = await EmbeddedSilo.StartAsync(store.Root, cancellationToken);
                context.Status($"Generating {spec.Strategies.Length} strategy instances and {spec.Classifiers.Length} classifiers on grains");
                generated = await silo.Grains.GetGrain<IGenerationGrain>($"demo-{Guid.NewGuid():N}").RunAsync(spec);
                portfolios = DemoPortfolios(GenerationSpecs.ToRequest(spec).Strategies);
                context.Status($"Replaying the signal set into {portfolios.Count} portfolio grains");
                replayed = await silo.Grains.GetGrain<IReplayGrain>($"demo-{Guid.NewGuid():N}")
                    .RunAsync(new ReplaySpec(generated.SignalSetId, [.. portfolios.Select(PortfolioWires.FromConfig)], TimeSpan.FromDays(7)));
            });

            DatasetTable.Write(console, manifest!, series.Where(s => s.Id.Timeframe == Timeframe.OneMinute).Select(s => s.Id.ToString()).ToHashSet());
            MetricsTable.Write(
                console,
                $"leaderboard: {portfolios.Count} portfolios replayed from signal set {generated!.SignalSetId}",
                replayed!.Portfolios.Select(p => (p.PortfolioId, (IReadOnlyDictionary<string, double>)p.Metrics, p.FinalEquity)),
                top: 10);
            console.MarkupLineInterpolated(
                $"[green]Done[/] in {clock.Elapsed.TotalSeconds:F1} s: {series.Sum(s => s.Count):N0} bars of {options.Symbols.Count} symbols; signals {(generated.CacheHit ? "reused (cache hit)" : "generated once")}; {replayed.SignalBatchesDelivered:N0} signal batches delivered to {portfolios.Count} portfolios.");
            console.MarkupLineInterpolated($"Store: [bold]{store.Root}[/] (data/base/{dataset}/ and data/indices/{generated.SignalSetId}/).");
            console.MarkupLine("Not built yet: the multi-phase optimization and its results layout; this demo grows into them.");
        }));
        return command;
    }

    private static GenerationSpec DemoGeneration(string dataset)
    {
        static DeciderWire Wire(string name, string series, Dictionary<string, double> parameters) => new(name, series.Split('+'), parameters);
        var strategies = new List<DeciderWire>();
        foreach (var fast in new[] { 5, 10, 20 })
        {
            foreach (var slow in new[] { 50, 100 })
            {
                strategies.Add(Wire("momentum", "SYNA_1m", new() { ["fast"] = fast, ["slow"] = slow }));
            }
        }

        strategies.Add(Wire("mean_reversion", "SYNB_1m", []));
        strategies.Add(Wire("breakout", "SYNC_1m", new() { ["length"] = 60 }));
        strategies.Add(Wire("correlation_momentum", "SYNA_1m+SYNB_1m+SYND_5m", new() { ["lookback"] = 30 }));
        return new GenerationSpec(
            dataset,
            ["SYNA_1m", "SYNB_1m", "SYNC_1m", "SYND_5m"],
            [.. strategies],
            [Wire("trend", "SYNA_1m", []), Wire("volatility", "SYNA_1m", [])],
            MaxBufferSize: 20_000,
            BatchWindow: TimeSpan.FromDays(7));
    }

    /// <summary>Each strategy instance x 2 fractions x 3 stop levels, with a little commission and slippage.</summary>
    private static List<PortfolioConfig> DemoPortfolios(IEnumerable<Strategy> strategies) =>
    [
        .. from strategy in strategies
           from fraction in new[] { 0.5, 1.0 }
           from stop in new double?[] { null, 0.005, 0.01 }
           select new PortfolioConfig(
               $"{strategy.InstanceId}|ff={fraction.ToString(CultureInfo.InvariantCulture)}" + (stop is { } sl ? $"|sl={sl.ToString(CultureInfo.InvariantCulture)}" : string.Empty),
               [new StrategyAssignment(strategy.InstanceId, strategy.Primary)],
               new FixedFractionSizing(fraction),
               new ExecutionModel(CommissionBps: 1, SlippageBps: 1),
               new RiskLimits(StopLoss: stop)),
    ];
}
