using System.Runtime.CompilerServices;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;

namespace SignalReplay.Storage.Objects;

/// <summary>
/// The cloud store: one block blob per object in one container. A block blob upload commits
/// all of its blocks at once, so a failed upload leaves the previous version (or nothing);
/// conditions map to If-None-Match / If-Match and tags to blob index tags, which the storage
/// account's lifecycle rules filter on.
/// </summary>
public sealed class AzureBlobStore(BlobContainerClient container) : IObjectStore
{
    /// <summary>A store on <paramref name="container"/>, created if it does not exist.</summary>
    public static async Task<AzureBlobStore> CreateAsync(BlobContainerClient container, CancellationToken cancellationToken = default)
    {
        await container.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
        return new AzureBlobStore(container);
    }

    public async Task<string> PutAsync(ObjectKey key, Stream content, ObjectWriteOptions? options = null, CancellationToken cancellationToken = default)
    {
        ObjectTags.Validate(key, options?.Tags);
        var upload = new BlobUploadOptions
        {
            Conditions = options switch
            {
                { IfNoneMatch: true } => new BlobRequestConditions { IfNoneMatch = ETag.All },
                { IfMatch: { } eTag } => new BlobRequestConditions { IfMatch = new ETag(eTag) },
                _ => null,
            },
            Tags = options?.Tags is { Count: > 0 } tags ? tags.ToDictionary() : null,
        };
        try
        {
            var response = await container.GetBlobClient(key.Value).UploadAsync(content, upload, cancellationToken);
            return response.Value.ETag.ToString();
        }
        catch (RequestFailedException error) when (error.Status is 409 or 412)
        {
            throw new ObjectConflictException(
                key, error.Status == 409 ? "it already exists" : "it was changed since it was read (ETag mismatch)", error);
        }
        catch (RequestFailedException error) when (error.Status == 404 && options?.IfMatch is not null)
        {
            throw new ObjectConflictException(key, "it does not exist", error);
        }
    }

    public async Task<ObjectContent> OpenReadAsync(ObjectKey key, CancellationToken cancellationToken = default)
    {
        try
        {
            var response = await container.GetBlobClient(key.Value).DownloadStreamingAsync(cancellationToken: cancellationToken);
            return new ObjectContent(response.Value.Content, response.Value.Details.ETag.ToString());
        }
        catch (RequestFailedException error) when (error.Status == 404)
        {
            throw new ObjectNotFoundException(key, error);
        }
    }

    public async Task<ObjectInfo?> GetInfoAsync(ObjectKey key, CancellationToken cancellationToken = default)
    {
        var blob = container.GetBlobClient(key.Value);
        try
        {
            var properties = (await blob.GetPropertiesAsync(cancellationToken: cancellationToken)).Value;
            var tags = properties.TagCount > 0
                ? Sorted((await blob.GetTagsAsync(cancellationToken: cancellationToken)).Value.Tags)
                : ObjectTags.None;
            return new ObjectInfo(key, properties.ContentLength, properties.ETag.ToString(), properties.LastModified, tags);
        }
        catch (RequestFailedException error) when (error.Status == 404)
        {
            return null;
        }
    }

    public async IAsyncEnumerable<ObjectInfo> ListAsync(string prefix, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        // Blob listing is already in ordinal (UTF-8 byte) order; keys are ASCII, so that is key order.
        var pages = container.GetBlobsAsync(
            new GetBlobsOptions { Prefix = prefix, Traits = BlobTraits.Tags },
            cancellationToken);
        await foreach (var item in pages)
        {
            if (ObjectKey.TryParse(item.Name, out var key))
            {
                yield return new ObjectInfo(
                    key,
                    item.Properties.ContentLength ?? 0,
                    item.Properties.ETag?.ToString() ?? string.Empty,
                    item.Properties.LastModified ?? DateTimeOffset.MinValue,
                    Sorted(item.Tags));
            }
        }
    }

    public async IAsyncEnumerable<ObjectKey> ListKeysAsync(string prefix, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await foreach (var item in container.GetBlobsAsync(new GetBlobsOptions { Prefix = prefix }, cancellationToken))
        {
            if (ObjectKey.TryParse(item.Name, out var key))
            {
                yield return key;
            }
        }
    }

    public async Task<bool> DeleteAsync(ObjectKey key, CancellationToken cancellationToken = default) =>
        (await container.GetBlobClient(key.Value).DeleteIfExistsAsync(cancellationToken: cancellationToken)).Value;

    private static IReadOnlyDictionary<string, string> Sorted(IDictionary<string, string>? tags) =>
        tags is null || tags.Count == 0 ? ObjectTags.None : new SortedDictionary<string, string>(tags, StringComparer.Ordinal);
}
