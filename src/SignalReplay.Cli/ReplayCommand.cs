using System.CommandLine;
using Spectre.Console;
using SignalReplay.Abstractions;
using SignalReplay.Core.Data;
using SignalReplay.Core.Generation;
using SignalReplay.Storage.Signals;

namespace SignalReplay.Cli;

/// <summary><c>replay</c>: a stored signal set into portfolio grains on the embedded silo (SPEC 3 replay mode).</summary>
internal static class ReplayCommand
{
    public static Command Build(IAnsiConsole console)
    {
        var signalSet = new Option<string>("--signal-set") { Description = "Id of a stored signal set (printed by generate).", Required = true };
        var portfolio = new PortfolioOptions();
        var command = new Command("replay", "Replay a stored signal set into portfolios on grains; no series or feature grain runs.")
        {
            signalSet,
        };
        foreach (var option in portfolio.All)
        {
            command.Add(option);
        }

        command.SetAction((parse, cancellationToken) => CommandAction.RunAsync(console, parse, async () =>
        {
            var store = LocalStore.Open(parse.GetValue(SignalReplayCommandLine.Store)!);
            var id = parse.GetValue(signalSet)!;
            var manifest = await new SignalSetStore(store.Objects).ReadManifestAsync(id, cancellationToken)
                ?? throw new ArgumentException($"There is no signal set '{id}' in {store.Root}.");
            var configs = portfolio.Build(parse, manifest.Signals.Select(s => (s.Key, SeriesId.Parse(s.Value.PrimarySeries))));
            PortfolioOptions.CheckRegimes(configs, manifest.Classifiers.ToDictionary(
                c => c.Key,
                // The classifier's instance id starts with its decider's name: trend(fast=20,...)@SYNA_1m.
                c => DeciderCatalog.Classifier(c.Value[..c.Value.IndexOfAny(['(', '@'])], [SeriesId.Parse(manifest.ClassifierSeries[c.Key])]).Labels,
                StringComparer.Ordinal));

            ReplayOutcome? summary = null;
            await console.Status().StartAsync("Starting the embedded silo", async status =>
            {
                await using var silo = await EmbeddedSilo.StartAsync(store.Root, cancellationToken);
                status.Status($"Replaying {manifest.Signals.Count} strategies into {configs.Count} portfolio grain(s)");
                summary = await silo.Grains.GetGrain<IReplayGrain>($"cli-{Guid.NewGuid():N}")
                    .RunAsync(new ReplayRun(id, null, [.. configs]));
            });
            MetricsTable.Write(console, $"replay of {id}", summary!.Top, parse.GetValue(portfolio.Top));
            console.MarkupLineInterpolated(
                $"{summary.Evaluated:N0} portfolios in {summary.Shards} shard(s); {summary.SignalBatchesDelivered:N0} signal batches delivered for {summary.SignalBatchesPublished:N0} published (each to the shard that trades its strategy only).");
        }));
        return command;
    }
}
