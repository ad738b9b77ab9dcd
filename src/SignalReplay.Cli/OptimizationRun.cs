using Spectre.Console;
using SignalReplay.Abstractions;
using SignalReplay.Core.Optimization;
using SignalReplay.Grains.Optimization;
using SignalReplay.Storage.Results;

namespace SignalReplay.Cli;

/// <summary>
/// Runs one optimization, on the embedded silo or on a silo host through its run API: starts its
/// sequencer, shows progress until it finishes, then prints the leaderboards and where the results are.
/// </summary>
internal static class OptimizationRun
{
    private static readonly TimeSpan EmbeddedPoll = TimeSpan.FromMilliseconds(200);

    public static async Task<RunSummary> RunAsync(IAnsiConsole console, LocalStore store, string configText, string source, CancellationToken cancellationToken)
    {
        var config = RunConfigReader.Parse(configText, source);
        console.MarkupLineInterpolated($"Grid of {TopologyBuilder.Grid(config).Count} configurations, {config.Phases.Count} phases, on the embedded silo.");
        var id = RunIds.New(config.Name);
        RunStatus status;
        await using (var silo = await EmbeddedSilo.StartAsync(store.Root, cancellationToken))
        {
            var sequencer = silo.Grains.GetGrain<ISequencerGrain>(id);
            var started = await sequencer.StartAsync(new RunRequest(configText, source));
            status = await RunWatch.UntilFinishedAsync(console, started, _ => sequencer.GetStatusAsync(), EmbeddedPoll, cancellationToken);
        }

        RunWatch.ThrowIfFailed(status);
        var summary = await new ResultsReader(store.Objects).ReadSummaryAsync(id, cancellationToken)
            ?? throw new InvalidOperationException($"Run {id} completed without a summary.json.");
        SummaryTable.Write(console, summary);
        console.MarkupLineInterpolated($"Results: [bold]{Path.Combine(store.Root, "results", id)}[/] (metadata.json, phases/*/metrics.parquet, trades.parquet, events/, summary.json).");
        return summary;
    }

    /// <summary>
    /// Starts the run on the silo host behind <paramref name="api"/> and follows it there. The file is
    /// checked here first, so a bad configuration is reported against the user's own file name.
    /// </summary>
    public static async Task<RunSummary> RunRemoteAsync(
        IAnsiConsole console, RunApiClient api, string configText, string source, TimeSpan interval, CancellationToken cancellationToken)
    {
        var config = RunConfigReader.Parse(configText, source);
        console.MarkupLineInterpolated($"Grid of {TopologyBuilder.Grid(config).Count} configurations, {config.Phases.Count} phases, on {api.BaseAddress}.");
        var started = await api.StartAsync(configText, cancellationToken);
        var summary = await RunWatch.FollowRemoteAsync(console, api, started, interval, cancellationToken);
        console.MarkupLineInterpolated($"Results: [bold]results/{started.RunId}[/] in the service's store (GET {api.BaseAddress}api/runs/{started.RunId}/summary).");
        return summary;
    }
}
