using SignalReplay.Abstractions;
using SignalReplay.Core.Optimization;
using SignalReplay.Storage.Results;

namespace SignalReplay.Grains.Optimization;

/// <summary>How a run's status reads to a process that does not work on it: through the run's lease.</summary>
public static class RunOwnership
{
    /// <summary>
    /// <paramref name="status"/> as the store has it, seen through <paramref name="lease"/>: a running run is owned by
    /// the lease's holder while the lease is live, and is <c>interrupted</c> (resumable) once nobody holds a live one.
    /// </summary>
    public static RunStatus Through(RunStatus status, RunLeaseRecord? lease, DateTimeOffset now) =>
        status.State != RunState.Running ? status
        : lease is { } live && live.IsLive(now) ? status with { Detail = null, Host = live.Owner }
        : status with { State = RunState.Interrupted, CurrentPhase = null, Detail = null, Error = RunLease.OwnerLost(lease), Host = null };
}
