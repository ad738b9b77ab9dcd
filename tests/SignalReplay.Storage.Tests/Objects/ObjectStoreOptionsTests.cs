using SignalReplay.Storage.Objects;

namespace SignalReplay.Storage.Tests.Objects;

public sealed class ObjectStoreOptionsTests
{
    [Fact]
    public void The_local_store_needs_a_root_folder()
    {
        var error = Assert.Throws<ArgumentException>(() => new ObjectStoreOptions { Kind = ObjectStoreKind.LocalFolder }.Validate());

        Assert.Contains("LocalRoot is required", error.Message);
    }

    [Theory]
    [InlineData(null, null)]
    [InlineData("UseDevelopmentStorage=true", "https://account.blob.core.windows.net")]
    public void The_blob_store_needs_exactly_one_of_connection_string_and_service_uri(string? connectionString, string? uri)
    {
        var options = new ObjectStoreOptions
        {
            Kind = ObjectStoreKind.AzureBlob,
            AzureConnectionString = connectionString,
            AzureServiceUri = uri is null ? null : new Uri(uri),
        };

        var error = Assert.Throws<ArgumentException>(() => options.Validate());

        Assert.Contains("exactly one of AzureConnectionString and AzureServiceUri", error.Message);
    }

    [Theory]
    [InlineData("ab")]
    [InlineData("Results")]
    [InlineData("double--hyphen")]
    [InlineData("-leading")]
    public void A_container_name_azure_would_refuse_is_refused_by_name(string container)
    {
        var options = new ObjectStoreOptions { Kind = ObjectStoreKind.AzureBlob, AzureConnectionString = "UseDevelopmentStorage=true", Container = container };

        var error = Assert.Throws<ArgumentException>(() => options.Validate());

        Assert.Contains($"Container '{container}'", error.Message);
    }

    [Fact]
    public void The_factory_builds_a_local_folder_store()
    {
        using var folder = new TempFolder();

        var store = ObjectStoreFactory.Create(ObjectStoreOptions.LocalFolder(folder.Path));

        Assert.Equal(folder.Path, Assert.IsType<LocalFolderStore>(store).Root);
    }
}
