using System.CommandLine;
using Spectre.Console;
using SignalReplay.Abstractions;
using SignalReplay.Core.Optimization;
using SignalReplay.Storage.Results;

namespace SignalReplay.Cli;

/// <summary>
/// Following a run until it finishes, wherever it runs: on the embedded silo, on a silo host reached
/// through its run API (<c>--api</c>), or through the store's metadata.json that some other process
/// keeps up to date.
/// </summary>
internal static class RunWatch
{
    public static readonly Option<string?> Api = new("--api")
    {
        Description = "Base URL of a silo host's run API (a deployed service, or `dotnet run --project src/SignalReplay.Silo`). Without it the command works on the local store.",
    };

    public static readonly Option<string?> ApiKey = new("--api-key")
    {
        Description = "The run API's key (sent as X-Api-Key) when the host requires one.",
        DefaultValueFactory = _ => Environment.GetEnvironmentVariable("SIGNALREPLAY_API_KEY"),
        HelpName = "key (default: $SIGNALREPLAY_API_KEY)",
    };

    /// <summary><c>--poll</c>: seconds between two status requests.</summary>
    public static Option<double> PollSeconds(double seconds) => new("--poll")
    {
        Description = "Seconds between two progress requests.",
        DefaultValueFactory = _ => seconds,
        Validators = { result => { if (result.GetValueOrDefault<double>() is not (> 0 and <= 3600)) { result.AddError("--poll must be more than 0 and at most 3600 seconds."); } } },
    };

    /// <summary>The client of <see cref="Api"/>, or null when the command works on the local store.</summary>
    /// <summary>
    /// A command that works locally or, given --api, on a silo host: its argument, <see cref="Api"/>,
    /// <see cref="ApiKey"/> and, for commands that follow a run, <paramref name="poll"/>.
    /// </summary>
    public static Command HostCommand(string name, string description, Argument<string> argument, Option<double>? poll = null)
    {
        var command = new Command(name, description) { argument, Api, ApiKey };
        if (poll is not null)
        {
            command.Add(poll);
        }

        return command;
    }

    public static RunApiClient? Client(ParseResult parse) =>
        parse.GetValue(Api) is { Length: > 0 } url ? new RunApiClient(url, parse.GetValue(ApiKey)) : null;

    /// <summary>
    /// Polls <paramref name="poll"/> every <paramref name="interval"/> until the run has finished, showing
    /// its progress: a live status line on a terminal, a line per change when the output is piped.
    /// </summary>
    public static async Task<RunStatus> UntilFinishedAsync(
        IAnsiConsole console, RunStatus first, Func<CancellationToken, Task<RunStatus>> poll, TimeSpan interval, CancellationToken cancellationToken)
    {
        var status = first;
        if (!console.Profile.Capabilities.Interactive)
        {
            string? shown = null;
            while (true)
            {
                var line = Progress(status);
                if (line != shown)
                {
                    console.MarkupLine(Markup.Escape(line));
                    shown = line;
                }

                if (status.IsFinished)
                {
                    return status;
                }

                await Task.Delay(interval, cancellationToken);
                status = await poll(cancellationToken);
            }
        }

        await console.Status().StartAsync(Markup.Escape(Progress(status)), async context =>
        {
            while (!status.IsFinished)
            {
                context.Status(Markup.Escape(Progress(status)));
                await Task.Delay(interval, cancellationToken);
                status = await poll(cancellationToken);
            }
        });
        console.MarkupLine(Markup.Escape(Progress(status)));
        return status;
    }

    /// <summary>Follows a run on the host behind <paramref name="api"/> until it finishes, then prints and returns its summary.</summary>
    public static async Task<RunSummary> FollowRemoteAsync(IAnsiConsole console, RunApiClient api, RunStatus first, TimeSpan interval, CancellationToken cancellationToken)
    {
        var status = await UntilFinishedAsync(console, first, token => api.StatusAsync(first.RunId, token), interval, cancellationToken);
        ThrowIfFailed(status);
        var summary = await api.SummaryAsync(status.RunId, cancellationToken);
        SummaryTable.Write(console, summary);
        return summary;
    }

    /// <summary>
    /// The status of a run as the store tells it: its metadata.json (no live detail: that lives in the sequencer),
    /// and its lease, without which a running run is interrupted (its owner died). A run that finished between the two reads
    /// (its owner writes metadata.json, then releases the lease) is read again, so it shows finished rather than left.
    /// </summary>
    public static async Task<RunStatus> FromStoreAsync(Storage.Objects.IObjectStore store, RunMetadata metadata, CancellationToken cancellationToken)
    {
        var status = FromMetadata(metadata);
        if (status.State != RunState.Running)
        {
            return status;
        }

        var owned = Grains.Optimization.RunOwnership.Through(status, await RunLease.ReadAsync(store, metadata.Workflow, cancellationToken), DateTimeOffset.UtcNow);
        if (owned.State == RunState.Running || await new ResultsReader(store).ReadMetadataAsync(metadata.Workflow, cancellationToken) is not { } again)
        {
            return owned;
        }

        var latest = FromMetadata(again);
        return latest.State == RunState.Running ? owned : latest;
    }

    private static RunStatus FromMetadata(RunMetadata metadata)
    {
        var phases = PhaseNames(metadata);
        var done = metadata.Phases.Count;
        var state = RunStates.Parse(metadata.Status);
        var running = state == RunState.Running;
        return new RunStatus(
            metadata.Workflow, state, metadata.Name, done, Math.Max(done, phases.Count),
            running && done < phases.Count ? phases[done] : null, Detail: null, metadata.Error, metadata.SignalSetId, Attempts: 0, Host: null);
    }

    public static string Progress(RunStatus status) => status.State switch
    {
        RunState.Completed => $"Run {status.RunId}: completed, {status.PhasesDone}/{status.PhaseCount} phases.",
        RunState.Failed => $"Run {status.RunId}: failed after {status.PhasesDone}/{status.PhaseCount} phases: {status.Error}",
        RunState.Interrupted => $"Run {status.RunId}: interrupted after {status.PhasesDone}/{status.PhaseCount} phases ({status.Error}).",
        _ => $"Run {status.RunId}: phase {Math.Min(status.PhasesDone + 1, status.PhaseCount)}/{status.PhaseCount}"
            + (status.CurrentPhase is { } phase ? $" ({phase})" : string.Empty)
            + (status.Detail is { } detail ? $": {detail}" : string.Empty),
    };

    /// <summary>Throws for a failed or interrupted run, so the command exits 1 with the run's own error.</summary>
    public static void ThrowIfFailed(RunStatus status)
    {
        switch (status.State)
        {
            case RunState.Failed:
                throw new RunFailedException($"Run {status.RunId} failed: {status.Error}");
            case RunState.Interrupted:
                throw new RunFailedException($"Run {status.RunId} was {status.Error}; signalreplay runs resume {status.RunId} continues it.");
        }
    }

    private static IReadOnlyList<string> PhaseNames(RunMetadata metadata)
    {
        try
        {
            return [.. RunConfigReader.Parse(metadata.Config, $"results/{metadata.Workflow}/metadata.json").Phases.Select(p => p.Name)];
        }
        catch (RunConfigException)
        {
            return [.. metadata.Phases.Select(p => p.Phase)]; // a migrated v1 run keeps a configuration this version does not read
        }
    }
}
