using SignalReplay.Storage.Objects;
using SignalReplay.Storage.Results;

namespace SignalReplay.Silo;

/// <summary>
/// At start, before the API listens, adds the runs written before the run index to it (once per store: later
/// starts find them indexed), so <c>GET /api/runs</c> lists every run while reading only the index.
/// </summary>
public sealed class RunIndexBackfill(IObjectStore store, ILogger<RunIndexBackfill> log) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        try
        {
            var added = await new ResultsMigrator(store).IndexRunsAsync(cancellationToken);
            if (added > 0)
            {
                log.LogInformation("Added {Runs} run(s) written before the run index to it.", added);
            }
        }
        catch (Exception error) when (error is not OperationCanceledException)
        {
            // A damaged metadata.json must not stop the host; `signalreplay migrate` names it.
            log.LogWarning(error, "Could not add older runs to the run index.");
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
