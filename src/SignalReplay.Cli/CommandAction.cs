using Spectre.Console;
using SignalReplay.Storage.Parquet;

namespace SignalReplay.Cli;

/// <summary>
/// Runs a command's work and turns the errors a user can fix (bad input, bad names, unreadable
/// files) into one red line and exit code 1; anything else is a bug and keeps its stack trace.
/// </summary>
internal static class CommandAction
{
    /// <summary>Loads the <c>--plugins</c> given, then runs <paramref name="work"/>.</summary>
    public static async Task<int> RunAsync(IAnsiConsole console, System.CommandLine.ParseResult parse, Func<Task> work)
    {
        try
        {
            LoadPlugins(parse.GetValue(SignalReplayCommandLine.Plugins) ?? []);
            await work();
            return 0;
        }
        catch (Exception error) when (IsUserError(error))
        {
            console.MarkupLineInterpolated($"[red]error:[/] {error.Message}");
            return 1;
        }
    }

    /// <summary>Loads plugins into the process's registry (each file once, however often it is named).</summary>
    public static void LoadPlugins(IReadOnlyList<string> paths) => Core.Generation.PluginLoader.Load(paths, Core.Generation.DeciderRegistry.Default);

    private static bool IsUserError(Exception error) => error is MarketDataException
        or Core.Generation.PluginException
        or Abstractions.RunFailedException
        or Abstractions.RunOwnedElsewhereException
        or Core.Optimization.RunConfigException
        or StoredDataException
        or Storage.BaseData.DatasetConflictException
        or ArgumentException
        or FormatException
        or FileNotFoundException
        or DirectoryNotFoundException;
}
