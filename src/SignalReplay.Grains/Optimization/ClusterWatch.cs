namespace SignalReplay.Grains.Optimization;

/// <summary>A silo that was active when a piece of work began has died, so the work may never answer.</summary>
public sealed class SiloLostException(string silo) : Exception($"Silo {silo} died while the work ran on the cluster.");

/// <summary>
/// Runs grain work while watching cluster membership: when a silo that was active at the start is
/// declared dead, the work is abandoned at once (a dead silo's stream queues and activations may never
/// answer, and waiting for the response timeout would stall a run for half an hour).
/// </summary>
public sealed class ClusterWatch(IClusterMembershipService membership)
{
    public async Task<T> RunAsync<T>(Func<CancellationToken, Task<T>> work)
    {
        var active = membership.CurrentSnapshot.Members.Values
            .Where(member => member.Status == SiloStatus.Active)
            .Select(member => member.SiloAddress)
            .ToHashSet();
        using var stop = new CancellationTokenSource();
        var task = work(stop.Token);
        var lost = WaitForDeathAsync(active, stop.Token);
        try
        {
            if (await Task.WhenAny(task, lost) == lost && !task.IsCompleted)
            {
                throw new SiloLostException(await lost);
            }

            return await task;
        }
        finally
        {
            await stop.CancelAsync();
        }
    }

    private async Task<string> WaitForDeathAsync(HashSet<SiloAddress> active, CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var snapshot in membership.MembershipUpdates.WithCancellation(cancellationToken))
            {
                var dead = active.FirstOrDefault(silo => snapshot.GetSiloStatus(silo) == SiloStatus.Dead);
                if (dead is not null)
                {
                    return dead.ToString();
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The work finished first.
        }

        return "(this silo is stopping)";
    }
}
