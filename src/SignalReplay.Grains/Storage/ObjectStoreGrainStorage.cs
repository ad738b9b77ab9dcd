using System.Security.Cryptography;
using System.Text;
using Orleans.Storage;
using SignalReplay.Storage.Objects;

namespace SignalReplay.Grains.Storage;

/// <summary>
/// Orleans grain state kept in the product's object store (a local folder or a blob container),
/// under <c>grain-state/{provider}/{state}/{grain type}/{grain key}</c>. Writes are conditional on the
/// ETag read, like the official blob provider: a stale activation gets an
/// <see cref="InconsistentStateException"/> instead of overwriting newer state.
/// </summary>
public sealed class ObjectStoreGrainStorage(string name, IObjectStore store, IGrainStorageSerializer serializer) : IGrainStorage
{
    public async Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        var key = KeyOf(stateName, grainId);
        try
        {
            await using var content = await store.OpenReadAsync(key);
            using var buffer = new MemoryStream();
            await content.Stream.CopyToAsync(buffer);
            grainState.State = serializer.Deserialize<T>(new BinaryData(buffer.ToArray()));
            grainState.ETag = content.ETag;
            grainState.RecordExists = true;
        }
        catch (ObjectNotFoundException)
        {
            grainState.State = Activator.CreateInstance<T>();
            grainState.ETag = null;
            grainState.RecordExists = false;
        }
    }

    public async Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        var key = KeyOf(stateName, grainId);
        var options = grainState.ETag is null
            ? new ObjectWriteOptions { IfNoneMatch = true }
            : new ObjectWriteOptions { IfMatch = grainState.ETag };
        try
        {
            using var content = serializer.Serialize(grainState.State).ToStream();
            grainState.ETag = await store.PutAsync(key, content, options);
            grainState.RecordExists = true;
        }
        catch (ObjectConflictException conflict)
        {
            var current = (await store.GetInfoAsync(key))?.ETag ?? "none";
            throw new InconsistentStateException(
                $"Grain state '{stateName}' of {grainId} in storage '{name}' changed since it was read: {conflict.Message}",
                current,
                grainState.ETag ?? "none",
                conflict);
        }
    }

    public async Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        await store.DeleteAsync(KeyOf(stateName, grainId));
        grainState.State = Activator.CreateInstance<T>();
        grainState.ETag = null;
        grainState.RecordExists = false;
    }

    /// <summary>
    /// Deletes the stream-subscription state versions before 2026-11-25 wrote here by mistake (their stream
    /// provider shared this storage's name, so Orleans kept its pub-sub state in the store). Nothing reads it;
    /// returns how many objects were deleted.
    /// </summary>
    public static async Task<int> DeleteLegacyStreamSubscriptionsAsync(IObjectStore store, CancellationToken cancellationToken = default)
    {
        var deleted = 0;
        await foreach (var info in store.ListAsync($"grain-state/{SignalReplayOptions.StorageName}/PubSubRendezvousGrain/", cancellationToken))
        {
            deleted += await store.DeleteAsync(info.Key, cancellationToken) ? 1 : 0;
        }

        return deleted;
    }

    private ObjectKey KeyOf(string stateName, GrainId grainId) =>
        ObjectKey.Combine("grain-state", Segment(name), Segment(stateName), Segment(grainId.Type.ToString()!), Segment(grainId.Key.ToString()!));

    // Readable where the text is already a safe key segment; otherwise a hash, so any grain key maps
    // to exactly one object and never to a path outside grain-state/.
    private static string Segment(string text) =>
        ObjectKey.TryParse(text, out var key) && !key.Value.Contains('/') && text.Length <= 128
            ? text
            : "h-" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)))[..32];
}
