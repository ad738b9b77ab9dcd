using System.Globalization;

namespace SignalReplay.TestSupport;

/// <summary>
/// The real silo host (src/SignalReplay.Silo, built beside the tests in the same configuration) as a
/// process on free loopback ports, over a local folder store. Settings add to or override its
/// configuration (environment variables such as <c>SignalReplay__Api__Key</c>).
/// </summary>
public sealed class SiloHostProcess : IAsyncDisposable
{
    private readonly ServerProcess _process;

    private SiloHostProcess(ServerProcess process, int gatewayPort, int httpPort)
    {
        _process = process;
        (GatewayPort, HttpPort) = (gatewayPort, httpPort);
    }

    public int GatewayPort { get; }

    public int HttpPort { get; }

    public Uri Api => new($"http://127.0.0.1:{HttpPort}");

    public string Output => _process.Output;

    public int ProcessId => _process.ProcessId;

    /// <summary>Starts the host and waits until its HTTP port (or, <paramref name="waitForHttp"/> false, its gateway) listens.</summary>
    public static async Task<SiloHostProcess> StartAsync(string storeRoot, IReadOnlyDictionary<string, string>? settings = null, bool waitForHttp = true)
    {
        var (siloPort, gatewayPort, httpPort) = (LoopbackPort.Free(), LoopbackPort.Free(), LoopbackPort.Free());
        var environment = new Dictionary<string, string>
        {
            ["SignalReplay__SiloPort"] = siloPort.ToString(CultureInfo.InvariantCulture),
            ["SignalReplay__GatewayPort"] = gatewayPort.ToString(CultureInfo.InvariantCulture),
            ["SignalReplay__Store__Kind"] = "LocalFolder",
            ["SignalReplay__Store__LocalRoot"] = storeRoot,
            ["ASPNETCORE_URLS"] = $"http://127.0.0.1:{httpPort}",
        };
        foreach (var (name, value) in settings ?? new Dictionary<string, string>())
        {
            environment[name] = value;
        }

        var process = new ServerProcess("dotnet", [Assembly()], environment, workingDirectory: Path.GetDirectoryName(storeRoot));
        var host = new SiloHostProcess(process, gatewayPort, httpPort);
        try
        {
            await process.WaitForPortAsync(waitForHttp ? httpPort : gatewayPort, TimeSpan.FromSeconds(60), waitForHttp ? "the silo's HTTP API" : "the silo");
            return host;
        }
        catch
        {
            await host.DisposeAsync();
            throw;
        }
    }

    public ValueTask DisposeAsync() => _process.DisposeAsync();

    /// <summary>The built host (src/SignalReplay.Silo beside the tests), for `dotnet` to run.</summary>
    public static string Assembly() => BuiltProgram.Path("SignalReplay.Silo", "SignalReplay.Silo.dll");
}
