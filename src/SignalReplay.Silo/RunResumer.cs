using SignalReplay.Abstractions;
using SignalReplay.Core.Optimization;
using SignalReplay.Storage.Objects;
using SignalReplay.Storage.Results;

namespace SignalReplay.Silo;

/// <summary>
/// Continues the host's runs that lost their owner, with or without clustered reminders (in localhost mode the
/// reminders die with the process): at start and every <see cref="Every"/>, each run the index lists as running
/// whose lease has expired and belongs to this host's group (its own earlier process, or a dead silo of its
/// cluster) is handed to its sequencer, which takes the lease over and resumes at its first unfinished phase.
/// Runs of other processes (a CLI's) are left as they are: they show as interrupted until resumed by hand.
/// </summary>
public sealed class RunResumer(IObjectStore store, IGrainFactory grains, SiloSettings settings, ILogger<RunResumer> log) : BackgroundService
{
    public static readonly TimeSpan Every = TimeSpan.FromSeconds(10);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var group = settings.LeaseGroup;
        using var timer = new PeriodicTimer(Every);
        do
        {
            try
            {
                await ResumeOrphansAsync(group, stoppingToken);
            }
            catch (Exception error) when (error is not OperationCanceledException)
            {
                log.LogWarning(error, "Could not look for runs to resume; trying again in {Seconds} s.", Every.TotalSeconds);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    private async Task ResumeOrphansAsync(string group, CancellationToken cancellationToken)
    {
        var page = new RunPage([], null);
        do
        {
            page = await RunIndex.PageAsync(store, 1_000, page.Next, cancellationToken);
            foreach (var run in page.Runs.Where(r => RunStates.Parse(r.Status) == RunState.Interrupted))
            {
                // Interrupted on request (no lease) stays interrupted; an owner that died left its lease behind.
                if (await RunLease.ReadAsync(store, run.Id, cancellationToken) is { } lease && lease.Group == group && !lease.IsLive(DateTimeOffset.UtcNow))
                {
                    var status = await grains.GetGrain<ISequencerGrain>(run.Id).GetStatusAsync();
                    log.LogInformation("Run {RunId} lost its owner ({Owner}); this host continues it: {State}.", run.Id, lease.Owner, status.State);
                }
            }
        }
        while (page.Next is not null);
    }
}
