using SignalReplay.Abstractions;
using SignalReplay.Core.Optimization;

namespace SignalReplay.Silo.Api;

/// <summary>
/// The runs started through this host's API that have not ended: at most <see cref="ApiLimits.MaxConcurrentRuns"/>,
/// so submissions cannot grow the host without bound; one more is refused (the API answers 429 with Retry-After).
/// A slot is freed when its run is no longer running, which this service checks every second. The limit is per
/// host: a cluster of N hosts takes N times as many.
/// </summary>
public sealed class RunAdmission(ApiLimits limits, IGrainFactory grains, ILogger<RunAdmission> log) : BackgroundService
{
    /// <summary>How soon a refused client should try again: about when the shortest run frees its slot.</summary>
    public static readonly TimeSpan RetryAfter = TimeSpan.FromSeconds(5);

    private static readonly TimeSpan Poll = TimeSpan.FromSeconds(1);
    private readonly Lock _gate = new();
    private readonly HashSet<string> _running = new(StringComparer.Ordinal);

    public int Limit => limits.MaxConcurrentRuns;

    /// <summary>Takes a slot for run <paramref name="id"/>, or returns false when every slot is taken.</summary>
    public bool TryAdmit(string id)
    {
        lock (_gate)
        {
            return _running.Count < limits.MaxConcurrentRuns && _running.Add(id);
        }
    }

    /// <summary>Frees the slot of <paramref name="id"/> (a run that did not start, or ended).</summary>
    public void Release(string id)
    {
        lock (_gate)
        {
            _running.Remove(id);
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Poll);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            string[] admitted;
            lock (_gate)
            {
                admitted = [.. _running];
            }

            foreach (var id in admitted)
            {
                try
                {
                    var status = await grains.GetGrain<ISequencerGrain>(id).GetStatusAsync();
                    if (status.State != RunState.Running)
                    {
                        Release(id);
                    }
                }
                catch (Exception error) when (error is not OperationCanceledException)
                {
                    // The cluster is busy or a silo is leaving: the slot stays taken until the next look.
                    log.LogWarning(error, "Could not read the status of run {RunId}; its admission slot stays taken.", id);
                }
            }
        }
    }
}
