using System.Text.RegularExpressions;
using SignalReplay.Storage.Objects;

namespace SignalReplay.Cli.Tests;

/// <summary>Ctrl-C on an embedded optimization and <c>runs resume</c>: an interrupted run keeps what it finished and can be finished later.</summary>
public sealed partial class ResumeCommandTests : IDisposable
{
    private const string Config = """
        name: paused
        data: { dataset: synthetic-s42-20d, series: [SYNA_1m, SYNB_1m], batch_window: 1d }
        classifiers: [ { name: trend, series: SYNA_1m } ]
        strategies:
          - { name: momentum, series: SYNA_1m, params: { fast: [5, 10], slow: [40, 80] } }
          - { name: breakout, series: SYNB_1m, params: { length: [20, 40] } }
        portfolio: { risk: { stop_loss: [none, 0.005, 0.01] } }
        phases:
          - { name: grid, kind: grid, top: 3 }
          - { name: regime, kind: regime, classifier: trend }
        """;

    private readonly CommandLineRun _run = new();

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    public void Dispose() => _run.Dispose();

    [Fact]
    public async Task Ctrl_c_interrupts_an_optimization_and_runs_resume_finishes_it()
    {
        await _run.RunAsync("demo", "--days", "20");
        var config = Path.Combine(_run.Folder, "paused.yaml");
        await File.WriteAllTextAsync(config, Config, Cancel);

        // Ctrl-C as soon as the run is in the store: it is still generating or on its first phase.
        using var interrupt = new CancellationTokenSource();
        var optimize = _run.RunAsync(interrupt.Token, "optimize", config);
        var store = new LocalFolderStore(_run.StoreRoot);
        while (!await store.ListAsync("results/paused-", Cancel).AnyAsync(info => info.Key.Value.EndsWith("metadata.json", StringComparison.Ordinal), Cancel))
        {
            if (optimize.IsCompleted)
            {
                Assert.Fail("optimize ended before it could be interrupted: " + (await optimize).Output);
            }

            await Task.Delay(5, Cancel);
        }

        await interrupt.CancelAsync();
        var (interruptedExit, interrupted) = await optimize;

        Assert.NotEqual(0, interruptedExit);
        var id = InterruptedRun().Match(interrupted) is { Success: true } match ? match.Groups[1].Value : throw new Xunit.Sdk.XunitException(interrupted);
        Assert.Contains($"signalreplay runs resume {id} continues it", interrupted.ReplaceLineEndings(""));
        var (_, listed) = await _run.RunAsync("runs", "list");
        Assert.Contains("interrupted", listed.Split('\n').Single(line => line.Contains(id, StringComparison.Ordinal)));

        var (resumeExit, resumed) = await _run.RunAsync("runs", "resume", id);

        Assert.True(resumeExit == 0, resumed);
        Assert.Contains($"Resuming run {id} at phase", resumed);
        Assert.Contains($"Run {id}: completed, 2/2 phases.", resumed);
        Assert.Contains("Results:", resumed);
        (_, listed) = await _run.RunAsync("runs", "list");
        Assert.Contains("completed", listed.Split('\n').Single(line => line.Contains(id, StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Resuming_a_run_the_store_lacks_names_it()
    {
        var (exitCode, output) = await _run.RunAsync("runs", "resume", "paused-nothing");

        Assert.Equal(1, exitCode);
        Assert.Contains("There is no run 'paused-nothing'", output.ReplaceLineEndings(""));
    }

    [GeneratedRegex(@"Interrupted run (\S+) after")]
    private static partial Regex InterruptedRun();
}
