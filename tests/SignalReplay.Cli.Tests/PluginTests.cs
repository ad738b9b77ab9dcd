using System.Text.RegularExpressions;
using SignalReplay.Core.Synthetic;
using SignalReplay.Storage.BaseData;
using SignalReplay.Storage.Objects;
using SignalReplay.Storage.Results;

namespace SignalReplay.Cli.Tests;

/// <summary>
/// The example plugin (<c>examples/plugins/BollingerSqueeze</c>) the whole way: built as the README says, run by <c>optimize</c> on the
/// embedded silo in a process of its own, replayed and backtested to the same bits, and content-addressed by its code.
/// </summary>
public sealed partial class PluginTests : IDisposable
{
    private static readonly string Repository = RepositoryRoot.Find()!;
    private static readonly string Project = Path.Combine(Repository, "examples", "plugins", "BollingerSqueeze");
    private readonly CommandLineRun _run = new();

    public void Dispose() => _run.Dispose();

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private static Task<(int ExitCode, string Output)> DotnetAsync(string workingDirectory, params string[] arguments) =>
        DotnetProcess.RunAsync(workingDirectory, arguments, Cancel);

    private static Task<(int ExitCode, string Output)> CliAsync(string workingDirectory, params string[] arguments) =>
        DotnetProcess.CliAsync(workingDirectory, arguments, Cancel);

    private async Task WriteDatasetAsync(string dataset)
    {
        var market = SyntheticMarket.Generate(SyntheticMarketOptions.Default with { TradingDays = 20, Seed = 5 });
        await new BaseDatasetStore(new LocalFolderStore(_run.StoreRoot)).WriteAsync(dataset, [.. market.Series.Take(2)], Cancel);
    }

    /// <summary>The plugin built from its project as the README says; its output folder.</summary>
    private static async Task<string> BuildPluginAsync()
    {
        var (exitCode, output) = await DotnetAsync(Repository, "build", Project, "-c", "Release", "--nologo", "-v", "q", "--disable-build-servers");
        Assert.True(exitCode == 0, output);
        return Path.Combine(Project, "bin", "Release", "net10.0");
    }

    [Fact]
    public async Task The_example_plugin_is_built_and_optimized_on_the_embedded_silo_in_a_process_of_its_own()
    {
        var plugin = await BuildPluginAsync();
        await WriteDatasetAsync("syn");
        var config = Path.Combine(_run.Folder, "squeeze.yaml");
        await File.WriteAllTextAsync(config, $$"""
            name: squeeze
            plugins: [{{plugin}}]
            data: { dataset: syn, series: [SYNA_1m] }
            strategies: [ { name: bollinger_squeeze, series: SYNA_1m, params: { length: [20, 60], squeeze: [0.001, 0.004] } } ]
            phases: [ { name: grid, kind: grid, top: 2 } ]
            """, Cancel);

        var (exitCode, output) = await CliAsync(_run.Folder, "optimize", config, "--store", _run.StoreRoot);
        var (listed, strategies) = await CliAsync(_run.Folder, "strategies", "--plugins", plugin);

        Assert.True(exitCode == 0, output);
        var run = Path.GetFileName(Assert.Single(Directory.GetDirectories(Path.Combine(_run.StoreRoot, "results")), d => !Path.GetFileName(d).StartsWith('.')));
        var summary = await new ResultsReader(new LocalFolderStore(_run.StoreRoot)).ReadSummaryAsync(run, Cancel);
        Assert.Equal(4, summary!.Phases[0].Evaluated);
        Assert.StartsWith("bollinger_squeeze(length=", summary.Choice!.Portfolio, StringComparison.Ordinal);
        Assert.True(listed == 0, strategies);
        Assert.Matches(StrategyRow(), strategies);
        Assert.Contains("bandwidth", strategies, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Replay_of_the_plugins_signals_equals_a_full_backtest_of_them()
    {
        var plugin = await BuildPluginAsync();
        await WriteDatasetAsync("syn");
        string[] strategy = ["--strategy", "bollinger_squeeze@SYNA_1m:length=20|60,squeeze=0.001|0.004", "--plugins", plugin];

        var (generated, generate) = await _run.RunAsync(["generate", "--dataset", "syn", .. strategy]);
        var set = SignalSet().Match(generate).Value;
        var (replayed, replay) = await _run.RunAsync("replay", "--signal-set", set, "--fraction", "0.5|1", "--plugins", plugin);
        var (backtested, backtest) = await _run.RunAsync(["backtest", "--dataset", "syn", .. strategy, "--fraction", "0.5|1"]);

        Assert.True(generated == 0 && replayed == 0 && backtested == 0, generate + replay + backtest);
        Assert.Equal(Rows(backtest), Rows(replay));
        Assert.Equal(8, Rows(replay).Count);
        Assert.Contains(Rows(replay), row => row.Contains("bollinger_squeeze(length=20,width=2,squeeze=0.001,long_only=0)@SYNA_1m|ff=0.5", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_changed_plugin_is_a_new_signal_set_and_an_unchanged_rebuild_the_same()
    {
        await WriteDatasetAsync("syn");
        var original = await CopyAndBuildAsync("original", edit: null);
        var rebuilt = await CopyAndBuildAsync("original", edit: null, noIncremental: true);
        var changed = await CopyAndBuildAsync("changed", edit: source => source.Replace("DefaultSqueeze = 0.02", "DefaultSqueeze = 0.03", StringComparison.Ordinal));

        var first = await SignalSetIdAsync(original);
        var again = await SignalSetIdAsync(rebuilt);
        var other = await SignalSetIdAsync(changed);

        Assert.Equal(first, again);
        Assert.NotEqual(first, other);
    }

    /// <summary>The plugin's sources copied to <paramref name="name"/>, edited, built against this build's SignalReplay.Core; its output folder.</summary>
    private async Task<string> CopyAndBuildAsync(string name, Func<string, string>? edit, bool noIncremental = false)
    {
        var folder = Directory.CreateDirectory(Path.Combine(_run.Folder, "plugins", name)).FullName;
        var core = BuiltProgram.Path("SignalReplay.Cli", "SignalReplay.Core.dll");
        var project = File.ReadAllText(Path.Combine(Project, "BollingerSqueeze.csproj"));
        project = ProjectReference().Replace(project, $"<Reference Include=\"SignalReplay.Core\" HintPath=\"{core}\" Private=\"false\" />");
        await File.WriteAllTextAsync(Path.Combine(folder, "BollingerSqueeze.csproj"), project, Cancel);
        var source = await File.ReadAllTextAsync(Path.Combine(Project, "SqueezePlugin.cs"), Cancel);
        await File.WriteAllTextAsync(Path.Combine(folder, "SqueezePlugin.cs"), edit is null ? source : edit(source), Cancel);
        var (exitCode, output) = await DotnetAsync(folder, ["build", "-c", "Release", "--nologo", "-v", "q", "--disable-build-servers", "-o", Path.Combine(folder, "out"), .. noIncremental ? ["--no-incremental"] : Array.Empty<string>()]);
        Assert.True(exitCode == 0, output);
        return Path.Combine(folder, "out");
    }

    /// <summary>The id <c>generate</c> names for the plugin's default instance, in a process of its own (one plugin per process).</summary>
    private async Task<string> SignalSetIdAsync(string plugin)
    {
        var (exitCode, output) = await CliAsync(_run.Folder, "generate", "--dataset", "syn", "--strategy", "bollinger_squeeze@SYNA_1m", "--plugins", plugin, "--store", _run.StoreRoot);
        Assert.True(exitCode == 0, output);
        return SignalSet().Match(output).Value;
    }

    private static List<string> Rows(string output) =>
        [.. output.Split('\n').Where(line => line.Contains("bollinger_squeeze(", StringComparison.Ordinal)).Select(line => line.Trim()).Order(StringComparer.Ordinal)];

    [GeneratedRegex(@"ss-[0-9a-f]{24}")]
    private static partial Regex SignalSet();

    [GeneratedRegex(@"<ProjectReference Include=""[^""]*SignalReplay\.Core\.csproj""[^>]*/>")]
    private static partial Regex ProjectReference();

    [GeneratedRegex(@"bollinger_squeeze\s+.*length int 20 \[2, 1000000\].*BollingerSqueeze 1\.0\.0\.0")]
    private static partial Regex StrategyRow();
}
