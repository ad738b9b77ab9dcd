using System.CommandLine;
using Spectre.Console;
using SignalReplay.Core.Portfolio;
using SignalReplay.Core.Replay;
using SignalReplay.Grains.Generation;
using SignalReplay.Storage.BaseData;

namespace SignalReplay.Cli;

/// <summary><c>backtest</c>: full mode (SPEC 3): generate and trade in one pass, storing nothing.</summary>
internal static class BacktestCommand
{
    public static Command Build(IAnsiConsole console)
    {
        var dataset = new Option<string>("--dataset") { Description = "Base dataset to read.", Required = true };
        var strategies = new Option<string[]>("--strategy") { Description = "name@SERIES[+SERIES]:key=value,... ('|' alternatives). Repeatable.", Required = true };
        var classifiers = new Option<string[]>("--classifier") { Description = "name@SERIES:key=value,... Repeatable." };
        var portfolio = new PortfolioOptions();
        var command = new Command("backtest", "Generate signals and trade them into portfolios in one pass (full mode); nothing is stored.")
        {
            dataset,
            strategies,
            classifiers,
        };
        foreach (var option in portfolio.All)
        {
            command.Add(option);
        }

        command.SetAction((parse, cancellationToken) => CommandAction.RunAsync(console, async () =>
        {
            var spec = GenerationCommandSpec.From(parse.GetValue(dataset)!, parse.GetValue(strategies)!, parse.GetValue(classifiers) ?? []);
            var request = GenerationSpecs.ToRequest(spec);
            var configs = portfolio.Build(parse, request.Strategies.Select(s => (s.InstanceId, s.Primary)));
            var store = LocalStore.Open(parse.GetValue(SignalReplayCommandLine.Store)!);
            var datasets = new BaseDatasetStore(store.Objects);
            var series = new List<BarSeries>();
            foreach (var id in request.Series)
            {
                series.Add(await datasets.ReadSeriesAsync(request.Dataset, id, cancellationToken));
            }

            IReadOnlyList<PortfolioResult> results = [];
            console.Status().Start($"Backtesting {configs.Count} portfolio(s) in full mode", _ =>
                results = Backtest.Full(series, request.Strategies, request.Classifiers, configs, GenerationSpecs.Options(spec)));
            MetricsTable.Write(console, $"full mode over {request.Dataset}", results.Select(r =>
                (r.PortfolioId, (IReadOnlyDictionary<string, double>)PerformanceMetrics.Names.ToDictionary(n => n, r.Metrics.Get), r.FinalEquity)), parse.GetValue(portfolio.Top));
        }));
        return command;
    }
}
