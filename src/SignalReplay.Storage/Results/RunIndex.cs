using System.Globalization;
using SignalReplay.Storage.Objects;
using SignalReplay.Storage.Parquet;

namespace SignalReplay.Storage.Results;

/// <summary>One run as a listing shows it: what its index object holds.</summary>
public sealed record RunIndexEntry(string Id, string? Name, string? Status, DateTimeOffset? CreatedAt, DateTimeOffset? FinishedAt)
{
    public static RunIndexEntry Of(RunMetadata metadata) =>
        new(metadata.Workflow, metadata.Name, metadata.Status, metadata.CreatedAt, metadata.FinishedAt);
}

/// <summary>One line of a run listing as the API answers it (<c>GET /api/runs</c>): named as a run's status is (<c>run_id</c>, <c>state</c>).</summary>
public sealed record RunListItem(string RunId, string? Name, string? State, DateTimeOffset? CreatedAt, DateTimeOffset? FinishedAt)
{
    public static RunListItem Of(RunIndexEntry entry) => new(entry.Id, entry.Name, entry.Status, entry.CreatedAt, entry.FinishedAt);
}

/// <summary>A page of runs, newest first, and the cursor of the next page (null on the last).</summary>
public sealed record RunPage(IReadOnlyList<RunIndexEntry> Runs, string? Next);

/// <summary>
/// The run index: one small object per run, <c>results/.index/runs/{inverted start}-{run}.json</c>, written with
/// every metadata.json, so listing runs reads O(runs) objects (a page of them) instead of every object under
/// results/. The inverted start time (13 digits of milliseconds counted down) makes key order newest first,
/// the order a listing shows. It lives under results/ with the summary retention class, so it expires with its
/// run's metadata; '.index' can never be a run id.
/// </summary>
public static class RunIndex
{
    public const string Prefix = ResultsLayout.Root + ".index/runs/";

    private const long Latest = 9_999_999_999_999;

    /// <summary>The index object of <paramref name="workflow"/>, started at <paramref name="createdAt"/> (unknown: listed last).</summary>
    public static ObjectKey KeyOf(string workflow, DateTimeOffset? createdAt)
    {
        var started = Math.Clamp(createdAt?.ToUnixTimeMilliseconds() ?? 0, 0, Latest);
        return ObjectKey.Parse($"{Prefix}{(Latest - started).ToString("D13", CultureInfo.InvariantCulture)}-{DataLayout.Name.Require(workflow, "run")}.json");
    }

    /// <summary>
    /// Up to <paramref name="limit"/> runs (their status as it stands: a running run without a live owner is
    /// interrupted) after the cursor <paramref name="after"/> (a page's <see cref="RunPage.Next"/>), newest first.
    /// </summary>
    public static async Task<RunPage> PageAsync(IObjectStore store, int limit, string? after, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        var runs = new List<RunIndexEntry>();
        string? last = null;
        await foreach (var key in store.ListKeysAsync(Prefix, cancellationToken))
        {
            var name = key.Value[Prefix.Length..];
            if (after is not null && string.CompareOrdinal(name, after) <= 0)
            {
                continue;
            }

            if (runs.Count == limit)
            {
                return new RunPage(runs, last);
            }

            if (await ReadAsync(store, key, cancellationToken) is { } entry)
            {
                // A run left running by an owner that is gone shows as interrupted (see RunLease).
                runs.Add(entry with { Status = await RunLease.EffectiveStatusAsync(store, entry.Id, entry.Status, DateTimeOffset.UtcNow, cancellationToken) });
                last = name;
            }
        }

        return new RunPage(runs, null);
    }

    /// <summary>An entry, or null when it expired or was deleted since it was listed.</summary>
    private static async Task<RunIndexEntry?> ReadAsync(IObjectStore store, ObjectKey key, CancellationToken cancellationToken) =>
        (await store.ReadJsonAsync<RunIndexEntry>(key, ResultsJson.Options, "run index entry", cancellationToken))?.Document;
}
