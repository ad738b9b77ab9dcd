using Spectre.Console;
using SignalReplay.Cli;

namespace SignalReplay.Cli.Tests;

/// <summary>Runs the real command tree in-process against a temp store and captures what it prints.</summary>
internal sealed class CommandLineRun(string? storeRoot = null) : IDisposable
{
    private readonly TempFolder _folder = new();

    public string StoreRoot => storeRoot ?? _folder.Combine("store");

    public string Folder => _folder.Path;

    public Task<(int ExitCode, string Output)> RunAsync(params string[] args) => RunAsync(TestContext.Current.CancellationToken, args);

    /// <summary>Runs a command that <paramref name="interrupt"/> can stop, as Ctrl-C stops the real one.</summary>
    public async Task<(int ExitCode, string Output)> RunAsync(CancellationToken interrupt, params string[] args)
    {
        var output = new StringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
            Out = new AnsiConsoleOutput(output),
        });
        console.Profile.Width = 200;
        var exitCode = await SignalReplayCommandLine.Build(console)
            .Parse([.. args, "--store", StoreRoot])
            .InvokeAsync(new System.CommandLine.InvocationConfiguration { Output = output, Error = output }, interrupt);
        return (exitCode, output.ToString());
    }

    public void Dispose() => _folder.Dispose();
}
