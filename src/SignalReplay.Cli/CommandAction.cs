using Spectre.Console;
using SignalReplay.Storage.Parquet;

namespace SignalReplay.Cli;

/// <summary>
/// Runs a command's work and turns the errors a user can fix (bad input, bad names, unreadable
/// files) into one red line and exit code 1; anything else is a bug and keeps its stack trace.
/// </summary>
internal static class CommandAction
{
    public static async Task<int> RunAsync(IAnsiConsole console, Func<Task> work)
    {
        try
        {
            await work();
            return 0;
        }
        catch (Exception error) when (IsUserError(error))
        {
            console.MarkupLineInterpolated($"[red]error:[/] {error.Message}");
            return 1;
        }
    }

    private static bool IsUserError(Exception error) => error is MarketDataException
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
