using System.Text.Json;

namespace SignalReplay.Storage.Objects;

/// <summary>Byte, JSON and existence helpers over any <see cref="IObjectStore"/>.</summary>
public static class ObjectStoreExtensions
{
    public static Task<string> PutBytesAsync(
        this IObjectStore store, ObjectKey key, ReadOnlyMemory<byte> bytes, ObjectWriteOptions? options = null, CancellationToken cancellationToken = default)
    {
        var stream = new MemoryStream(bytes.ToArray(), writable: false);
        return store.PutAsync(key, stream, options, cancellationToken);
    }

    public static async Task<byte[]> ReadAllBytesAsync(this IObjectStore store, ObjectKey key, CancellationToken cancellationToken = default)
    {
        await using var content = await store.OpenReadAsync(key, cancellationToken);
        using var buffer = new MemoryStream();
        await content.Stream.CopyToAsync(buffer, cancellationToken);
        return buffer.ToArray();
    }

    public static async Task<bool> ExistsAsync(this IObjectStore store, ObjectKey key, CancellationToken cancellationToken = default) =>
        await store.GetInfoAsync(key, cancellationToken) is not null;
}
