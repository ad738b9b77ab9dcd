using Azure.Identity;
using Azure.Storage.Blobs;

namespace SignalReplay.Storage.Objects;

/// <summary>Which store to use: a local folder (the embedded default) or an Azure Blob container.</summary>
public sealed record ObjectStoreOptions
{
    public ObjectStoreKind Kind { get; init; } = ObjectStoreKind.LocalFolder;

    /// <summary>Root folder of the local store.</summary>
    public string? LocalRoot { get; init; }

    /// <summary>Azure Storage connection string (Azurite, or an account with keys).</summary>
    public string? AzureConnectionString { get; init; }

    /// <summary>Blob service URI, used with DefaultAzureCredential (managed identity in Azure); no key in settings.</summary>
    public Uri? AzureServiceUri { get; init; }

    public string Container { get; init; } = "signalreplay";

    public static ObjectStoreOptions LocalFolder(string root) => new() { Kind = ObjectStoreKind.LocalFolder, LocalRoot = root };

    /// <summary>Throws an <see cref="ArgumentException"/> naming the first option that is missing or wrong.</summary>
    public ObjectStoreOptions Validate()
    {
        switch (Kind)
        {
            case ObjectStoreKind.LocalFolder when string.IsNullOrWhiteSpace(LocalRoot):
                throw new ArgumentException("Object store option LocalRoot is required for the local folder store.", nameof(LocalRoot));
            case ObjectStoreKind.AzureBlob when string.IsNullOrWhiteSpace(AzureConnectionString) == (AzureServiceUri is null):
                throw new ArgumentException(
                    "Object store options: give exactly one of AzureConnectionString and AzureServiceUri for the Azure Blob store.",
                    nameof(AzureConnectionString));
            case ObjectStoreKind.AzureBlob when !BlobContainerName.IsValid(Container):
                throw new ArgumentException(
                    $"Object store option Container '{Container}' is not a blob container name (3-63 lowercase letters, digits and single hyphens).",
                    nameof(Container));
            default:
                return this;
        }
    }

    private static class BlobContainerName
    {
        public static bool IsValid(string name) =>
            name.Length is >= 3 and <= 63
            && IsLowerOrDigit(name[0])
            && IsLowerOrDigit(name[^1])
            && !name.Contains("--", StringComparison.Ordinal)
            && name.All(c => IsLowerOrDigit(c) || c == '-');

        private static bool IsLowerOrDigit(char c) => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c);
    }
}

/// <summary>The two store back-ends.</summary>
public enum ObjectStoreKind
{
    LocalFolder,
    AzureBlob,
}

/// <summary>Builds the store that <see cref="ObjectStoreOptions"/> describe.</summary>
public static class ObjectStoreFactory
{
    public static IObjectStore Create(ObjectStoreOptions options)
    {
        options.Validate();
        if (options.Kind == ObjectStoreKind.LocalFolder)
        {
            return new LocalFolderStore(options.LocalRoot!);
        }

        var service = options.AzureConnectionString is { } connectionString
            ? new BlobServiceClient(connectionString)
            : new BlobServiceClient(options.AzureServiceUri, new DefaultAzureCredential());
        var container = service.GetBlobContainerClient(options.Container);
        container.CreateIfNotExists();
        return new AzureBlobStore(container);
    }
}
