using System.CommandLine;
using Spectre.Console;

namespace SignalReplay.Cli;

/// <summary>The <c>signalreplay</c> command tree.</summary>
public static class SignalReplayCommandLine
{
    /// <summary>The local folder store every command uses unless told otherwise.</summary>
    public static readonly Option<string> Store = new("--store")
    {
        Description = "Local folder store (same keys as the blob container in Azure).",
        DefaultValueFactory = _ => Path.Combine(".signalreplay", "store"),
        Recursive = true,
    };

    /// <summary>Plugin assemblies or folders to load before the command runs (their strategies, classifiers and features).</summary>
    public static readonly Option<string[]> Plugins = new("--plugins")
    {
        Description = "A plugin's .dll, or a folder it was built into: its strategies, classifiers and features join the built-in ones. Repeatable.",
        Recursive = true,
    };

    public static RootCommand Build(IAnsiConsole? console = null)
    {
        if (console is null)
        {
            console = AnsiConsole.Console;
            // Piped output has no terminal width; 80 columns would wrap every portfolio id.
            if (Console.IsOutputRedirected)
            {
                console.Profile.Width = 200;
            }
        }
        var root = new RootCommand("SignalReplay: compute trading signals once, store them as sparse indices, replay them into many portfolios.")
        {
            Store,
            Plugins,
            IngestCommand.Build(console),
            GenerateCommand.Build(console),
            ReplayCommand.Build(console),
            BacktestCommand.Build(console),
            DemoCommand.Build(console),
            OptimizeCommand.Build(console),
            ResultsCommands.Runs(console),
            ResultsCommands.Results(console),
            ResultsCommands.Retention(console),
            ResultsCommands.Migrate(console),
            StrategiesCommand.Build(console),
        };
        return root;
    }
}
