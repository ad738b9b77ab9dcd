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

    /// <summary>
    /// The JSON document under <paramref name="key"/> and its ETag, or null when there is none. One that does not
    /// read as a <typeparamref name="T"/> is a <see cref="Parquet.StoredDataException"/> naming the key and, as
    /// <paramref name="what"/>, what it should have been.
    /// </summary>
    public static async Task<(T Document, string ETag)?> ReadJsonAsync<T>(
        this IObjectStore store, ObjectKey key, JsonSerializerOptions options, string what, CancellationToken cancellationToken = default)
        where T : class
    {
        ObjectContent content;
        try
        {
            content = await store.OpenReadAsync(key, cancellationToken);
        }
        catch (ObjectNotFoundException)
        {
            return null;
        }

        await using (content)
        {
            try
            {
                var document = await JsonSerializer.DeserializeAsync<T>(content.Stream, options, cancellationToken)
                    ?? throw new Parquet.StoredDataException(key.Value, "is empty (null).");
                return (document, content.ETag);
            }
            catch (JsonException error)
            {
                throw new Parquet.StoredDataException(key.Value, $"is not a readable {what} (line {error.LineNumber + 1}: {error.Message})", error);
            }
        }
    }

    public static async Task<bool> ExistsAsync(this IObjectStore store, ObjectKey key, CancellationToken cancellationToken = default) =>
        await store.GetInfoAsync(key, cancellationToken) is not null;
}
