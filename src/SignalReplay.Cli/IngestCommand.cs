using System.CommandLine;
using Spectre.Console;
using SignalReplay.Storage.BaseData;

namespace SignalReplay.Cli;

/// <summary><c>ingest</c>: CSV files -> validated bars -> a base dataset in the store.</summary>
internal static class IngestCommand
{
    public static Command Build(IAnsiConsole console)
    {
        var paths = new Argument<string[]>("paths")
        {
            Description = "CSV files or folders of them, named SERIES.csv (e.g. SPY_1m.csv): timestamp,open,high,low,close,volume.",
            Arity = ArgumentArity.OneOrMore,
        };
        var dataset = new Option<string>("--dataset") { Description = "Base dataset to add the series to.", Required = true };
        var resample = new Option<string[]>("--resample")
        {
            Description = "Also store each series resampled to these coarser timeframes (e.g. 5m,1h,1d).",
            AllowMultipleArgumentsPerToken = true,
            CustomParser = result => result.Tokens.SelectMany(token => token.Value.Split(',', StringSplitOptions.RemoveEmptyEntries)).ToArray(),
        };

        var command = new Command("ingest", "Read CSV bars, validate them and write them as a base dataset (Parquet + manifest.json).")
        {
            paths,
            dataset,
            resample,
        };
        command.SetAction((parse, cancellationToken) => CommandAction.RunAsync(console, parse, async () =>
        {
            var targets = (parse.GetValue(resample) ?? []).Select(Timeframe.Parse).ToArray();
            var series = MarketDataFiles.Read(parse.GetValue(paths)!, targets);
            var store = LocalStore.Open(parse.GetValue(SignalReplayCommandLine.Store)!);
            var name = parse.GetValue(dataset)!;
            var manifest = await new BaseDatasetStore(store.Objects).WriteAsync(name, series, cancellationToken);
            DatasetTable.Write(console, manifest, series.Select(s => s.Id.ToString()).ToHashSet());
            console.MarkupLineInterpolated($"Base dataset [bold]{name}[/] in {store.Root}");
        }));
        return command;
    }
}
