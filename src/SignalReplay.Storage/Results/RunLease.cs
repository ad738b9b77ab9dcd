using System.Text.Json;
using SignalReplay.Core.Optimization;
using SignalReplay.Storage.Objects;
using SignalReplay.Storage.Parquet;

namespace SignalReplay.Storage.Results;

/// <summary>
/// Who runs a run: <c>leases/runs/{run}.json</c>, held by one process at a time and renewed while it works.
/// <see cref="Group"/> is who may take the run over once the lease has expired without being asked (the silos of
/// one cluster, a host and its restarts); <see cref="Holder"/> is the one activation that holds it.
/// </summary>
public sealed record RunLeaseRecord(string Holder, string Group, string Owner, string? Silo, DateTimeOffset RenewedAt, DateTimeOffset ExpiresAt)
{
    public bool IsLive(DateTimeOffset now) => now < ExpiresAt;
}

/// <summary>
/// A run's ownership lease on the store. Every change is a conditional write (create-only, or over the ETag last
/// read), so two processes can never both believe they hold it: the same on a local folder as in a blob container.
/// The holder renews it every <see cref="RenewEvery"/>; a lease not renewed for <see cref="Duration"/> has expired,
/// and its run has no live owner (it shows as interrupted until someone takes it over).
/// </summary>
public sealed class RunLease(IObjectStore store, string run, string holder, string group, string owner, string? silo, TimeProvider clock)
{
    public static readonly TimeSpan Duration = TimeSpan.FromSeconds(30);

    public static readonly TimeSpan RenewEvery = TimeSpan.FromSeconds(5);

    private const string Prefix = "leases/runs/";
    private string? _etag;

    public string Run => run;

    public static ObjectKey KeyOf(string run) => ObjectKey.Parse($"{Prefix}{DataLayout.Name.Require(run, "run")}.json");

    /// <summary>The lease of <paramref name="run"/> as it stands, or null when nobody has held it.</summary>
    public static async Task<RunLeaseRecord?> ReadAsync(IObjectStore store, string run, CancellationToken cancellationToken = default) =>
        (await ReadWithETagAsync(store, KeyOf(run), cancellationToken))?.Document;

    /// <summary>
    /// The state a listing shows for a run whose metadata says <paramref name="status"/>: a run left "running" by an
    /// owner whose lease has expired (or that never took one) is <c>interrupted</c>.
    /// </summary>
    public static async Task<string> EffectiveStatusAsync(IObjectStore store, string run, string? status, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        if (RunStates.Parse(status) != RunState.Running)
        {
            return status ?? RunState.Unknown.Name();
        }

        return (await ReadAsync(store, run, cancellationToken) is { } lease && lease.IsLive(now) ? RunState.Running : RunState.Interrupted).Name();
    }

    /// <summary>Why a run without a live owner stopped, for its status.</summary>
    public static string OwnerLost(RunLeaseRecord? lease) => lease is null
        ? "left by its owner, which stopped without finishing (and held no lease)"
        : $"left by its owner ({lease.Owner}), which stopped without finishing (its lease expired at {lease.ExpiresAt:yyyy-MM-dd HH:mm:ss} UTC)";

    /// <summary>
    /// Takes the lease: when nobody holds it, when this holder does, or when it has expired and
    /// <paramref name="takeOver"/> allows taking it from whoever held it. Returns the record that stands after the attempt.
    /// </summary>
    public async Task<(bool Held, RunLeaseRecord? Current)> TryAcquireAsync(Func<RunLeaseRecord, bool> takeOver, CancellationToken cancellationToken = default)
    {
        var key = KeyOf(run);
        var current = await ReadWithETagAsync(store, key, cancellationToken);
        if (current is { } held && held.Document.Holder != holder && !takeOver(held.Document))
        {
            return (false, held.Document);
        }

        var record = Fresh();
        try
        {
            _etag = await store.PutBytesAsync(
                key,
                JsonSerializer.SerializeToUtf8Bytes(record, ResultsJson.Options),
                current is null ? new ObjectWriteOptions { IfNoneMatch = true } : new ObjectWriteOptions { IfMatch = current.Value.ETag },
                cancellationToken);
            return (true, record);
        }
        catch (ObjectConflictException)
        {
            // Someone else took or renewed it between the read and the write.
            return (false, await ReadAsync(store, run, cancellationToken));
        }
    }

    /// <summary>Renews the lease this holder took; false when it was lost (taken over after it expired).</summary>
    public async Task<bool> RenewAsync(CancellationToken cancellationToken = default)
    {
        if (_etag is null)
        {
            return false;
        }

        try
        {
            _etag = await store.PutBytesAsync(
                KeyOf(run), JsonSerializer.SerializeToUtf8Bytes(Fresh(), ResultsJson.Options), new ObjectWriteOptions { IfMatch = _etag }, cancellationToken);
            return true;
        }
        catch (Exception error) when (error is ObjectConflictException or ObjectNotFoundException)
        {
            _etag = null;
            return false;
        }
    }

    /// <summary>Gives the lease up, if this holder still holds it.</summary>
    public async Task ReleaseAsync(CancellationToken cancellationToken = default)
    {
        if (_etag is null)
        {
            return;
        }

        var current = await ReadWithETagAsync(store, KeyOf(run), cancellationToken);
        if (current is { } held && held.ETag == _etag)
        {
            await store.DeleteAsync(KeyOf(run), cancellationToken);
        }

        _etag = null;
    }

    private RunLeaseRecord Fresh()
    {
        var now = clock.GetUtcNow();
        return new RunLeaseRecord(holder, group, owner, silo, now, now + Duration);
    }

    private static Task<(RunLeaseRecord Document, string ETag)?> ReadWithETagAsync(IObjectStore store, ObjectKey key, CancellationToken cancellationToken) =>
        store.ReadJsonAsync<RunLeaseRecord>(key, ResultsJson.Options, "run lease", cancellationToken);
}
