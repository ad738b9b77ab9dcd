namespace SignalReplay.Storage.Objects;

/// <summary>
/// The one small interface behind which every byte of the product is kept: a local folder by
/// default, an Azure Blob container in the cloud. Writes are atomic: a reader sees the old object
/// or the whole new one, never a part.
/// </summary>
public interface IObjectStore
{
    /// <summary>Stores <paramref name="content"/> under <paramref name="key"/> and returns its new ETag.</summary>
    /// <exception cref="ObjectConflictException">A condition in <paramref name="options"/> does not hold.</exception>
    Task<string> PutAsync(ObjectKey key, Stream content, ObjectWriteOptions? options = null, CancellationToken cancellationToken = default);

    /// <exception cref="ObjectNotFoundException">There is no object under <paramref name="key"/>.</exception>
    Task<ObjectContent> OpenReadAsync(ObjectKey key, CancellationToken cancellationToken = default);

    /// <summary>The object's size, ETag and tags, or null when there is none.</summary>
    Task<ObjectInfo?> GetInfoAsync(ObjectKey key, CancellationToken cancellationToken = default);

    /// <summary>Every object whose key starts with <paramref name="prefix"/>, in ordinal key order.</summary>
    IAsyncEnumerable<ObjectInfo> ListAsync(string prefix, CancellationToken cancellationToken = default);

    /// <summary>The keys of <see cref="ListAsync"/> alone, in the same order: no size, ETag or tags are read.</summary>
    IAsyncEnumerable<ObjectKey> ListKeysAsync(string prefix, CancellationToken cancellationToken = default);

    /// <summary>Deletes the object; false when there was none.</summary>
    Task<bool> DeleteAsync(ObjectKey key, CancellationToken cancellationToken = default);
}

/// <summary>Conditions and tags of a write.</summary>
public sealed record ObjectWriteOptions
{
    /// <summary>Write only if there is no object under the key yet.</summary>
    public bool IfNoneMatch { get; init; }

    /// <summary>Write only if the object's current ETag is this one.</summary>
    public string? IfMatch { get; init; }

    /// <summary>Tags kept with the object (blob index tags in Azure), e.g. <c>retention=events</c>.</summary>
    public IReadOnlyDictionary<string, string>? Tags { get; init; }
}

/// <summary>What the store knows about one object.</summary>
public sealed record ObjectInfo(ObjectKey Key, long Size, string ETag, DateTimeOffset LastModified, IReadOnlyDictionary<string, string> Tags);

/// <summary>An open object: read <see cref="Stream"/>, then dispose.</summary>
public sealed class ObjectContent(Stream stream, string eTag) : IAsyncDisposable, IDisposable
{
    public Stream Stream { get; } = stream;

    public string ETag { get; } = eTag;

    public ValueTask DisposeAsync() => Stream.DisposeAsync();

    public void Dispose() => Stream.Dispose();
}

/// <summary>There is no object under the key.</summary>
public sealed class ObjectNotFoundException(ObjectKey key, Exception? inner = null)
    : Exception($"There is no object '{key}'.", inner)
{
    public ObjectKey Key { get; } = key;
}

/// <summary>A conditional write or delete whose condition did not hold.</summary>
public sealed class ObjectConflictException(ObjectKey key, string reason, Exception? inner = null)
    : Exception($"Object '{key}': {reason}.", inner)
{
    public ObjectKey Key { get; } = key;
}
