using System.CommandLine;
using System.Globalization;
using Spectre.Console;
using SignalReplay.Abstractions;
using SignalReplay.Storage.Signals;

namespace SignalReplay.Cli;

/// <summary><c>generate</c>: run strategies and classifiers over a base dataset once and store the signal set.</summary>
internal static class GenerateCommand
{
    public static Command Build(IAnsiConsole console)
    {
        var dataset = new Option<string>("--dataset") { Description = "Base dataset to read.", Required = true };
        var strategies = new Option<string[]>("--strategy")
        {
            Description = "name@SERIES[+SERIES]:key=value,... ('|' lists alternatives: fast=5|10). Repeatable.",
            Required = true,
            AllowMultipleArgumentsPerToken = false,
        };
        var classifiers = new Option<string[]>("--classifier") { Description = "name@SERIES:key=value,... Repeatable." };
        var command = new Command("generate", "Compute signals once and store them as a content-addressed signal set (a second run with the same inputs is a cache hit).")
        {
            dataset,
            strategies,
            classifiers,
        };
        command.SetAction((parse, cancellationToken) => CommandAction.RunAsync(console, parse, async () =>
        {
            var spec = GenerationCommandSpec.From(parse.GetValue(dataset)!, parse.GetValue(strategies)!, parse.GetValue(classifiers) ?? []);
            var store = LocalStore.Open(parse.GetValue(SignalReplayCommandLine.Store)!);

            GenerationSummary? summary = null;
            await console.Status().StartAsync("Starting the embedded silo", async status =>
            {
                await using var silo = await EmbeddedSilo.StartAsync(store.Root, cancellationToken);
                status.Status($"Generating {spec.Request.Strategies.Count} strategy instance(s) and {spec.Request.Classifiers.Count} classifier(s) on grains");
                summary = await silo.Grains.GetGrain<IGenerationGrain>($"cli-{Guid.NewGuid():N}").RunAsync(spec);
            });
            var manifest = await new SignalSetStore(store.Objects).ReadManifestAsync(summary!.SignalSetId, cancellationToken)
                ?? throw new InvalidOperationException($"Signal set {summary.SignalSetId} was reported but is not in the store.");
            Summarise(console, new GenerationResult(manifest, summary.CacheHit, summary.BytesWritten, summary.Repaired));
        }));
        return command;
    }

    private static void Summarise(IAnsiConsole console, GenerationResult result)
    {
        var manifest = result.Manifest;
        var table = new Table().Title($"signal set {manifest.Id}").AddColumns("strategy instance", "primary", "bars", "signals", "density");
        foreach (var (instance, counts) in manifest.Signals)
        {
            table.AddRow(
                Markup.Escape(instance),
                counts.PrimarySeries,
                counts.PrimaryBars.ToString("N0", CultureInfo.InvariantCulture),
                counts.Changes.ToString("N0", CultureInfo.InvariantCulture),
                counts.Density.ToString("P2", CultureInfo.InvariantCulture));
        }

        foreach (var column in table.Columns.Skip(2))
        {
            column.RightAligned();
        }

        console.Write(table);
        var regimes = string.Join(", ", manifest.ClassifierChanges.Select(c => $"{c.Key} {c.Value:N0}"));
        console.MarkupLineInterpolated(
            $"Bars processed: {manifest.Bars.Values.Sum():N0} over {manifest.Bars.Count} series; regime changes: {(regimes.Length == 0 ? "none" : regimes)}.");
        if (result.Repaired is { } damage)
        {
            console.MarkupLineInterpolated($"[yellow]Repaired[/]: the stored set was damaged ({damage}); its files were written again.");
        }

        console.MarkupLine(result.CacheHit
            ? $"[green]Cache hit[/]: signal set {manifest.Id} was already stored; nothing was computed or written."
            : $"[green]Generated[/] signal set {manifest.Id}: {result.BytesWritten:N0} bytes written under data/indices/{manifest.Id}/.");
    }
}
