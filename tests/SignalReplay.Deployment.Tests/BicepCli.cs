using System.Reflection;

namespace SignalReplay.Deployment.Tests;

/// <summary>The Bicep CLI that the Azure.Bicep.CommandLine.linux-x64 package restored, run offline.</summary>
internal static class BicepCli
{
    public static string Path { get; } = Locate();

    /// <summary>Every .bicep file of the repository, relative to its root.</summary>
    public static IEnumerable<string> Files(string root) =>
        new[] { "infra", "bicep" }
            .SelectMany(folder => Directory.EnumerateFiles(System.IO.Path.Combine(root, folder), "*.bicep", SearchOption.AllDirectories))
            .Select(file => System.IO.Path.GetRelativePath(root, file))
            .Order(StringComparer.Ordinal);

    public static async Task<(int ExitCode, string Output, string Errors)> RunAsync(params string[] arguments)
    {
        var start = new ProcessStartInfo(Path)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync(TestContext.Current.CancellationToken);
        return (process.ExitCode, await output, await errors);
    }

    private static string Locate()
    {
        var path = typeof(BicepCli).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .Single(attribute => attribute.Key == "BicepPath").Value!.Replace('\\', '/');
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"The Bicep CLI is not at {path}; restore the test project to get it.", path);
        }

        // NuGet does not keep the executable bit on every machine.
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, File.GetUnixFileMode(path) | UnixFileMode.UserExecute);
        }
        return path;
    }
}
