using Spectre.Console;
using SignalReplay.Abstractions;
using SignalReplay.Core.Optimization;
using SignalReplay.Grains.Optimization;
using SignalReplay.Storage.Results;

namespace SignalReplay.Cli;

/// <summary>
/// Runs one optimization on the embedded silo: starts its sequencer grain, shows progress until it
/// finishes, then prints the leaderboard of the final phase and where the results are.
/// </summary>
internal static class OptimizationRun
{
    public static async Task<RunSummary> RunAsync(IAnsiConsole console, LocalStore store, string configText, string source, CancellationToken cancellationToken)
    {
        var config = RunConfigReader.Parse(configText, source);
        var grid = TopologyBuilder.Grid(config).Count;
        var id = RunIds.New(config.Name);
        RunStatus status = null!;
        await console.Status().StartAsync("Starting the embedded silo", async context =>
        {
            await using var silo = await EmbeddedSilo.StartAsync(store.Root, cancellationToken);
            var sequencer = silo.Grains.GetGrain<ISequencerGrain>(id);
            status = await sequencer.StartAsync(new RunRequest(configText, source));
            while (!status.IsFinished)
            {
                context.Status(Markup.Escape(Progress(status, grid)));
                await Task.Delay(TimeSpan.FromMilliseconds(200), cancellationToken);
                status = await sequencer.GetStatusAsync();
            }
        });

        if (status.State == "failed")
        {
            throw new RunFailedException($"Run {id} failed: {status.Error}");
        }

        var summary = await new ResultsReader(store.Objects).ReadSummaryAsync(id, cancellationToken)
            ?? throw new InvalidOperationException($"Run {id} completed without a summary.json.");
        SummaryTable.Write(console, summary);
        console.MarkupLineInterpolated($"Results: [bold]{Path.Combine(store.Root, "results", id)}[/] (metadata.json, phases/*/metrics.parquet, trades.parquet, events/, summary.json).");
        return summary;
    }

    private static string Progress(RunStatus status, int grid) =>
        $"Run {status.RunId}: phase {Math.Min(status.PhasesDone + 1, status.PhaseCount)}/{status.PhaseCount}"
        + (status.CurrentPhase is { } phase ? $" ({phase})" : string.Empty)
        + (status.Detail is { } detail ? $": {detail}" : string.Empty)
        + $" [grid of {grid} configurations]";
}
