using Azure.Storage.Blobs;

namespace SignalReplay.Storage.Tests.Objects;

/// <summary>
/// Starts Azurite (the Azure Storage emulator, from npm) on free loopback ports for a test
/// collection and stops it afterwards. Where Azurite is not installed the tests skip with the
/// reason (and fail under CI=true, where .ci/run installs it).
/// </summary>
public sealed class AzuriteFixture : IAsyncLifetime
{
    // The emulator's published development account: a well-known public test key, not a secret.
    private const string AccountKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    private ServerProcess? _process;
    private string? _missing;

    public string ConnectionString { get; private set; } = string.Empty;

    /// <summary>A new, empty container for one test, so tests share nothing.</summary>
    public async Task<BlobContainerClient> NewContainerAsync()
    {
        if (_missing is not null)
        {
            Prerequisite.Missing(_missing);
        }

        var container = new BlobContainerClient(ConnectionString, "test-" + Guid.NewGuid().ToString("N"));
        await container.CreateAsync();
        return container;
    }

    public async ValueTask InitializeAsync()
    {
        var executable = FindAzurite();
        if (executable is null)
        {
            _missing = "Azurite is not installed: run `npm install --no-save azurite@3.37.0` in the repository root (or set AZURITE_PATH)";
            return;
        }

        static string Port(int port) => port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var blobPort = LoopbackPort.Free();
        // In-memory persistence; a scratch working folder catches anything else it might write.
        _process = new ServerProcess(
            executable,
            [
                "--blobHost", "127.0.0.1", "--blobPort", Port(blobPort),
                "--queueHost", "127.0.0.1", "--queuePort", Port(LoopbackPort.Free()),
                "--tableHost", "127.0.0.1", "--tablePort", Port(LoopbackPort.Free()),
                "--inMemoryPersistence", "--loose", "--skipApiVersionCheck", "--disableProductStyleUrl",
            ],
            workingDirectory: Directory.CreateTempSubdirectory("signalreplay-azurite-").FullName);
        await _process.WaitForPortAsync(blobPort, TimeSpan.FromSeconds(30), "Azurite");
        ConnectionString =
            $"DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey={AccountKey};BlobEndpoint=http://127.0.0.1:{blobPort}/devstoreaccount1;";
    }

    public async ValueTask DisposeAsync()
    {
        if (_process is not null)
        {
            await _process.DisposeAsync();
        }
    }

    private static string? FindAzurite()
    {
        var configured = Environment.GetEnvironmentVariable("AZURITE_PATH");
        if (!string.IsNullOrEmpty(configured))
        {
            return File.Exists(configured) ? configured : null;
        }

        var root = RepositoryRoot.Find();
        var local = root is null ? null : Path.Combine(root, "node_modules", ".bin", "azurite");
        if (local is not null && File.Exists(local))
        {
            return local;
        }

        return (Environment.GetEnvironmentVariable("PATH") ?? string.Empty)
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(folder => Path.Combine(folder, "azurite"))
            .FirstOrDefault(File.Exists);
    }
}

[CollectionDefinition(Name)]
public sealed class AzuriteCollection : ICollectionFixture<AzuriteFixture>
{
    public const string Name = "Azurite";
}
