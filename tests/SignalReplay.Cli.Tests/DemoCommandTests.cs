namespace SignalReplay.Cli.Tests;

public sealed class DemoCommandTests : IDisposable
{
    private readonly CommandLineRun _run = new();

    public void Dispose() => _run.Dispose();

    [Fact]
    public async Task Demo_stores_base_data_generates_signals_once_and_replays_them_into_a_leaderboard()
    {
        var (exitCode, output) = await _run.RunAsync("demo", "--days", "3");

        Assert.True(exitCode == 0, output);
        var folder = Path.Combine(_run.StoreRoot, "data", "base", "synthetic-s42-3d");
        Assert.True(File.Exists(Path.Combine(folder, "manifest.json")));
        Assert.Equal(16, Directory.GetFiles(folder, "*.parquet").Length);
        var signalSet = Assert.Single(Directory.GetDirectories(Path.Combine(_run.StoreRoot, "data", "indices")));
        Assert.Equal(9, Directory.GetFiles(Path.Combine(signalSet, "signals"), "*.parquet").Length);
        Assert.Contains("leaderboard: 54 portfolios replayed from signal set ss-", output);
        Assert.Contains("signals generated once", output);
    }

    [Fact]
    public async Task Running_the_demo_twice_is_the_same_dataset()
    {
        await _run.RunAsync("demo", "--days", "2");
        var manifest = await File.ReadAllTextAsync(Path.Combine(_run.StoreRoot, "data", "base", "synthetic-s42-2d", "manifest.json"), TestContext.Current.CancellationToken);

        var (exitCode, output) = await _run.RunAsync("demo", "--days", "2");

        Assert.Equal(0, exitCode);
        Assert.Contains("signals reused (cache hit)", output);
        Assert.Equal(manifest, await File.ReadAllTextAsync(Path.Combine(_run.StoreRoot, "data", "base", "synthetic-s42-2d", "manifest.json"), TestContext.Current.CancellationToken));
    }
}
