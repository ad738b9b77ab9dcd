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
        var config = RunConfigReader.Parse(configText, source, loadPlugins: CommandAction.LoadPlugins);
        console.MarkupLineInterpolated($"Grid of {TopologyBuilder.Grid(config).Count} configurations, {config.Phases.Count} phases, on the embedded silo.");
        Skipped(console, config);
        var id = RunIds.New(config.Name);
        RunStatus status;
        await using (var silo = await EmbeddedSilo.StartAsync(store.Root, cancellationToken))
        {
            var sequencer = silo.Grains.GetGrain<ISequencerGrain>(id);
            status = await FollowAsync(console, sequencer, await sequencer.StartAsync(new RunRequest(configText, source)), cancellationToken);
        }

        return await SummaryAsync(console, store, status, cancellationToken);
    }

    /// <summary>Continues an interrupted run of the store on the embedded silo, from its first unfinished phase.</summary>
    public static async Task<RunSummary> ResumeAsync(IAnsiConsole console, LocalStore store, string id, CancellationToken cancellationToken)
    {
        RunStatus status;
        await using (var silo = await EmbeddedSilo.StartAsync(store.Root, cancellationToken))
        {
            var sequencer = silo.Grains.GetGrain<ISequencerGrain>(id);
            var resumed = await sequencer.ResumeAsync();
            if (resumed.State == RunState.Unknown)
            {
                throw new ArgumentException($"There is no run '{id}' in {store.Root}.");
            }

            console.MarkupLineInterpolated($"Resuming run {id} at phase {Math.Min(resumed.PhasesDone + 1, resumed.PhaseCount)}/{resumed.PhaseCount}, on the embedded silo.");
            status = await FollowAsync(console, sequencer, resumed, cancellationToken);
        }

        return await SummaryAsync(console, store, status, cancellationToken);
    }

    /// <summary>
    /// Shows the run's progress until it finishes. On Ctrl-C the run is interrupted, not abandoned: what it
    /// finished is kept and <c>runs resume</c> continues it (a run left "running" by a dead process resumes the same way).
    /// </summary>
    private static async Task<RunStatus> FollowAsync(IAnsiConsole console, ISequencerGrain sequencer, RunStatus started, CancellationToken cancellationToken)
    {
        try
        {
            return await RunWatch.UntilFinishedAsync(console, started, _ => sequencer.GetStatusAsync(), EmbeddedPoll, cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            var interrupted = await sequencer.InterruptAsync("interrupted from the command line");
            console.MarkupLineInterpolated(
                $"Interrupted run {interrupted.RunId} after {interrupted.PhasesDone}/{interrupted.PhaseCount} phases; [bold]signalreplay runs resume {interrupted.RunId}[/] continues it.");
            throw;
        }
    }

    private static async Task<RunSummary> SummaryAsync(IAnsiConsole console, LocalStore store, RunStatus status, CancellationToken cancellationToken)
    {
        RunWatch.ThrowIfFailed(status);
        var summary = await new ResultsReader(store.Objects).ReadSummaryAsync(status.RunId, cancellationToken)
            ?? throw new InvalidOperationException($"Run {status.RunId} completed without a summary.json.");
        SummaryTable.Write(console, summary);
        console.MarkupLineInterpolated($"Results: [bold]{Path.Combine(store.Root, "results", status.RunId)}[/] (metadata.json, phases/*/metrics.parquet, trades.parquet, equity.parquet, events/, summary.json, report.html).");
        return summary;
    }

    /// <summary>
    /// Starts the run on the silo host behind <paramref name="api"/> and follows it there. The file is
    /// checked here first, so a bad configuration is reported against the user's own file name.
    /// </summary>
    public static async Task<RunSummary> RunRemoteAsync(
        IAnsiConsole console, RunApiClient api, string configText, string source, TimeSpan interval, CancellationToken cancellationToken)
    {
        var config = RunConfigReader.Parse(configText, source, loadPlugins: CommandAction.LoadPlugins);
        console.MarkupLineInterpolated($"Grid of {TopologyBuilder.Grid(config).Count} configurations, {config.Phases.Count} phases, on {api.BaseAddress}.");
        Skipped(console, config);
        var started = await api.StartAsync(configText, cancellationToken);
        var summary = await RunWatch.FollowRemoteAsync(console, api, started, interval, cancellationToken);
        console.MarkupLineInterpolated($"Results: [bold]results/{started.RunId}[/] in the service's store (GET {api.BaseAddress}api/runs/{started.RunId}/summary).");
        return summary;
    }

    private static void Skipped(IAnsiConsole console, RunConfig config)
    {
        foreach (var skipped in TopologyBuilder.Skipped(config))
        {
            console.MarkupLineInterpolated($"  {skipped}.");
        }
    }
}
