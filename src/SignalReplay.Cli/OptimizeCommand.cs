using System.CommandLine;
using Spectre.Console;

namespace SignalReplay.Cli;

/// <summary><c>optimize</c>: a multi-phase optimization from a run configuration file, on the embedded silo.</summary>
internal static class OptimizeCommand
{
    public static Command Build(IAnsiConsole console)
    {
        var config = new Argument<string>("config") { Description = "Run configuration (YAML or JSON): data, classifiers, strategies, portfolio grid, phases." };
        var command = new Command("optimize", "Run a multi-phase optimization (grid -> regime -> validate) on the embedded silo and write its results.")
        {
            config,
        };
        command.SetAction((parse, cancellationToken) => CommandAction.RunAsync(console, async () =>
        {
            var path = parse.GetValue(config)!;
            var text = File.Exists(path) ? await File.ReadAllTextAsync(path, cancellationToken) : throw new FileNotFoundException($"There is no run configuration '{path}'.", path);
            var store = LocalStore.Open(parse.GetValue(SignalReplayCommandLine.Store)!);
            await OptimizationRun.RunAsync(console, store, text, path, cancellationToken);
        }));
        return command;
    }
}
