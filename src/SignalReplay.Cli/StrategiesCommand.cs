using System.CommandLine;
using System.Globalization;
using Spectre.Console;
using SignalReplay.Core.Generation;

namespace SignalReplay.Cli;

/// <summary><c>strategies</c>: every strategy, classifier and feature this process knows (built in, or from <c>--plugins</c>), with parameters and origin.</summary>
internal static class StrategiesCommand
{
    public static Command Build(IAnsiConsole console)
    {
        var command = new Command("strategies", "List every strategy, classifier and feature (built in or from --plugins) with its parameters and where it comes from.");
        command.SetAction((parse, cancellationToken) => CommandAction.RunAsync(console, parse, () =>
        {
            var registry = DeciderRegistry.Default;
            Deciders(console, "strategies", registry.Strategies);
            Deciders(console, "classifiers", registry.Classifiers);
            var features = new Table().Title("features").AddColumns("name", "parameters", "outputs", "series", "what", "from");
            foreach (var f in registry.Features)
            {
                features.AddRow(f.Name, f.Parameters.ToString(CultureInfo.InvariantCulture), string.Join(", ", f.Outputs), f.Paired ? "2" : "1", Markup.Escape(f.Summary), Markup.Escape(f.Origin.ToString()));
            }

            console.Write(features);
            return Task.CompletedTask;
        }));
        return command;
    }

    private static void Deciders(IAnsiConsole console, string title, IReadOnlyList<DeciderDefinition> deciders)
    {
        var table = new Table().Title(title).AddColumns("name", "parameters (type default [[range]])", "series", "what", "from");
        foreach (var d in deciders)
        {
            table.AddRow(
                d.Name,
                Markup.Escape(string.Join("\n", d.Parameters.Select(Describe))),
                d.MinimumSeries == 1 ? "1+" : $"{d.MinimumSeries}+",
                Markup.Escape(d.Summary),
                Markup.Escape($"{d.Origin}\n{d.Type}"));
        }

        console.Write(table);
    }

    private static string Describe(ParameterDeclaration p) => p.Type == "flag"
        ? string.Create(CultureInfo.InvariantCulture, $"{p.Name} flag {(p.Default == 1 ? "true" : "false")}")
        : string.Create(CultureInfo.InvariantCulture, $"{p.Name} {p.Type} {p.Default:G} [{p.Minimum:G}, {p.Maximum:G}]");
}
