using System.Collections.Concurrent;
using SignalReplay.Storage.Objects;
using SignalReplay.Storage.Results;

namespace SignalReplay.Silo.Api;

/// <summary>
/// Pages of the run index for <c>GET /api/runs</c>, with identical requests that arrive while one is being read
/// sharing its read: a storm of listings costs the store one read per page in flight, not one per request. Nothing
/// is kept once a read ends, so no answer is older than the read it came from.
/// </summary>
public sealed class RunListing(IObjectStore store)
{
    private readonly ConcurrentDictionary<(int Limit, string? After), Lazy<Task<RunPage>>> _reading = new();

    public async Task<RunPage> PageAsync(int limit, string? after)
    {
        var key = (limit, after);
        var read = _reading.GetOrAdd(key, _ => new Lazy<Task<RunPage>>(() => ReadAsync(key)));
        return await read.Value;
    }

    private async Task<RunPage> ReadAsync((int Limit, string? After) key)
    {
        try
        {
            // Shared by every request waiting on it, so none of their cancellations may stop it.
            return await RunIndex.PageAsync(store, key.Limit, key.After, CancellationToken.None);
        }
        finally
        {
            _reading.TryRemove(key, out _);
        }
    }
}
