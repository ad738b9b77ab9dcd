using System.CommandLine;
using Spectre.Console;

namespace SignalReplay.Cli;

/// <summary><c>optimize</c>: a multi-phase optimization from a run configuration file, on the embedded silo or on a silo host.</summary>
internal static class OptimizeCommand
{
    public static Command Build(IAnsiConsole console)
    {
        var config = new Argument<string>("config") { Description = "Run configuration (YAML or JSON): data, classifiers, strategies, portfolio grid, phases." };
        var interval = RunWatch.PollSeconds(2);
        var command = RunWatch.HostCommand("optimize", "Run a multi-phase optimization (grid, regime, ensemble, validate, walk_forward phases) and write its results: on the embedded silo, or with --api on a silo host.", config, interval);
        command.SetAction((parse, cancellationToken) => CommandAction.RunAsync(console, parse, async () =>
        {
            var path = parse.GetValue(config)!;
            var text = File.Exists(path) ? await File.ReadAllTextAsync(path, cancellationToken) : throw new FileNotFoundException($"There is no run configuration '{path}'.", path);
            using var api = RunWatch.Client(parse);
            if (api is null)
            {
                await OptimizationRun.RunAsync(console, LocalStore.Open(parse.GetValue(SignalReplayCommandLine.Store)!), text, path, cancellationToken);
            }
            else
            {
                await OptimizationRun.RunRemoteAsync(console, api, text, path, TimeSpan.FromSeconds(parse.GetValue(interval)), cancellationToken);
            }
        }));
        return command;
    }
}
