namespace SignalReplay.Silo.Tests;

/// <summary>
/// redis-server (from Debian's package; .ci/run installs it) on a free loopback port with no
/// persistence, for the tests of a collection. Missing: skipped with the reason, failed under CI=true.
/// </summary>
public sealed class RedisFixture : IAsyncLifetime
{
    private ServerProcess? _server;
    private string? _missing;

    public string ConnectionString { get; private set; } = string.Empty;

    public void Require()
    {
        if (_missing is not null)
        {
            Prerequisite.Missing(_missing);
        }
    }

    public async ValueTask InitializeAsync()
    {
        var executable = new[] { "/usr/bin/redis-server", "/usr/local/bin/redis-server" }.FirstOrDefault(File.Exists);
        if (executable is null)
        {
            _missing = "redis-server is not installed: run `apt-get install redis-server` (Debian) to run the Redis clustering tests";
            return;
        }

        var port = LoopbackPort.Free();
        _server = new ServerProcess(executable, ["--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]);
        await _server.WaitForPortAsync(port, TimeSpan.FromSeconds(20), "redis-server");
        ConnectionString = $"127.0.0.1:{port}";
    }

    public async ValueTask DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }
}

[CollectionDefinition(Name)]
public sealed class RedisCollection : ICollectionFixture<RedisFixture>
{
    public const string Name = "Redis";
}
