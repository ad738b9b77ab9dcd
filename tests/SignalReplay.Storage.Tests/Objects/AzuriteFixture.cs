using System.Net.Sockets;
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

    private Process? _process;
    private string? _missing;
    private readonly System.Text.StringBuilder _output = new();

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

        var blobPort = LoopbackPort.Free();
        // In-memory persistence; a scratch working folder catches anything else it might write.
        var scratch = Directory.CreateTempSubdirectory("signalreplay-azurite-").FullName;
        var start = new ProcessStartInfo(executable)
        {
            WorkingDirectory = scratch,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[]
        {
            "--blobHost", "127.0.0.1", "--blobPort", blobPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--queueHost", "127.0.0.1", "--queuePort", LoopbackPort.Free().ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--tableHost", "127.0.0.1", "--tablePort", LoopbackPort.Free().ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--inMemoryPersistence", "--loose", "--skipApiVersionCheck", "--disableProductStyleUrl",
        })
        {
            start.ArgumentList.Add(argument);
        }

        _process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {executable}.");
        _process.OutputDataReceived += (_, line) => Record(line.Data);
        _process.ErrorDataReceived += (_, line) => Record(line.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();

        await WaitUntilListeningAsync(blobPort);
        ConnectionString =
            $"DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey={AccountKey};BlobEndpoint=http://127.0.0.1:{blobPort}/devstoreaccount1;";
    }

    public ValueTask DisposeAsync()
    {
        if (_process is { HasExited: false })
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit(TimeSpan.FromSeconds(10));
        }

        _process?.Dispose();
        return ValueTask.CompletedTask;
    }

    private void Record(string? line)
    {
        if (line is not null)
        {
            lock (_output)
            {
                _output.AppendLine(line);
            }
        }
    }

    private async Task WaitUntilListeningAsync(int port)
    {
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < TimeSpan.FromSeconds(30))
        {
            if (_process!.HasExited)
            {
                break;
            }

            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync("127.0.0.1", port);
                return;
            }
            catch (SocketException)
            {
                await Task.Delay(100);
            }
        }

        string output;
        lock (_output)
        {
            output = _output.ToString();
        }

        throw new InvalidOperationException($"Azurite did not listen on 127.0.0.1:{port} within 30 s. Its output:\n{output}");
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
