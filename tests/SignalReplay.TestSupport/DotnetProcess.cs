using System.Diagnostics;

namespace SignalReplay.TestSupport;

/// <summary>A <c>dotnet</c> command run to its end (a build, or a program of the repository), with everything it printed.</summary>
public static class DotnetProcess
{
    public static async Task<(int ExitCode, string Output)> RunAsync(string workingDirectory, IEnumerable<string> arguments, CancellationToken cancellationToken, TimeSpan? timeout = null)
    {
        var start = new ProcessStartInfo("dotnet") { WorkingDirectory = workingDirectory, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var error = process.StandardError.ReadToEndAsync(cancellationToken);
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(timeout ?? TimeSpan.FromMinutes(4));
        try
        {
            await process.WaitForExitAsync(limit.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        return (process.ExitCode, await output + await error);
    }

    /// <summary>The CLI (src/SignalReplay.Cli, built beside the tests) with <paramref name="arguments"/>.</summary>
    public static Task<(int ExitCode, string Output)> CliAsync(string workingDirectory, IEnumerable<string> arguments, CancellationToken cancellationToken) =>
        RunAsync(workingDirectory, [BuiltProgram.Path("SignalReplay.Cli", "signalreplay.dll"), .. arguments], cancellationToken);

    /// <summary>The example plugin's build output (examples/plugins/BollingerSqueeze, built with the solution); a clear error when it is not built.</summary>
    public static string ExamplePlugin()
    {
        var configuration = AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Debug{Path.DirectorySeparatorChar}", StringComparison.Ordinal) ? "Debug" : "Release";
        var folder = Path.Combine(RepositoryRoot.Find()!, "examples", "plugins", "BollingerSqueeze", "bin", configuration, "net10.0");
        return File.Exists(Path.Combine(folder, "BollingerSqueeze.dll")) ? folder : throw new FileNotFoundException($"Build examples/plugins/BollingerSqueeze first: {folder} has no BollingerSqueeze.dll.");
    }
}
