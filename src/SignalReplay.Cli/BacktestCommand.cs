using System.CommandLine;
using Spectre.Console;
using SignalReplay.Abstractions;

namespace SignalReplay.Cli;

/// <summary><c>backtest</c>: full mode (SPEC 3) on the embedded silo: generate and trade in one pass, storing nothing.</summary>
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

        command.SetAction((parse, cancellationToken) => CommandAction.RunAsync(console, parse, async () =>
        {
            var spec = GenerationCommandSpec.From(parse.GetValue(dataset)!, parse.GetValue(strategies)!, parse.GetValue(classifiers) ?? []);
            var request = spec.Request;
            var configs = portfolio.Build(parse, request.Strategies.Select(s => (s.InstanceId, s.Primary)));
            PortfolioOptions.CheckRegimes(configs, request.Classifiers.ToDictionary(c => c.Key, c => c.Value.Labels, StringComparer.Ordinal));
            var store = LocalStore.Open(parse.GetValue(SignalReplayCommandLine.Store)!);

            ReplayOutcome? summary = null;
            await console.Status().StartAsync("Starting the embedded silo", async status =>
            {
                await using var silo = await EmbeddedSilo.StartAsync(store.Root, cancellationToken);
                status.Status($"Backtesting {configs.Count} portfolio(s) in full mode: series grains -> feature grain -> portfolio grains");
                summary = await silo.Grains.GetGrain<IFullGrain>($"cli-{Guid.NewGuid():N}")
                    .RunAsync(new FullRun(spec, [.. configs], KeepDetail: false));
            });
            MetricsTable.Write(console, $"full mode over {request.Dataset}", summary!.Top, parse.GetValue(portfolio.Top));
            console.MarkupLineInterpolated($"{summary.Evaluated:N0} portfolios in {summary.Shards} shard(s); nothing was stored (replay a stored signal set with generate + replay).");
        }));
        return command;
    }
}
