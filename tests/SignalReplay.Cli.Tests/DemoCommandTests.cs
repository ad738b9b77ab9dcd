namespace SignalReplay.Cli.Tests;

public sealed class DemoCommandTests : IDisposable
{
    private readonly CommandLineRun _run = new();

    public void Dispose() => _run.Dispose();

    [Fact]
    public async Task Demo_stores_a_synthetic_base_dataset_at_four_timeframes()
    {
        var (exitCode, output) = await _run.RunAsync("demo", "--days", "3");

        Assert.True(exitCode == 0, output);
        var folder = Path.Combine(_run.StoreRoot, "data", "base", "synthetic-s42-3d");
        Assert.True(File.Exists(Path.Combine(folder, "manifest.json")));
        Assert.Equal(16, Directory.GetFiles(folder, "*.parquet").Length);
        Assert.Contains("SYNA_1m", output);
    }

    [Fact]
    public async Task Running_the_demo_twice_is_the_same_dataset()
    {
        await _run.RunAsync("demo", "--days", "2");
        var manifest = await File.ReadAllTextAsync(Path.Combine(_run.StoreRoot, "data", "base", "synthetic-s42-2d", "manifest.json"), TestContext.Current.CancellationToken);

        var (exitCode, _) = await _run.RunAsync("demo", "--days", "2");

        Assert.Equal(0, exitCode);
        Assert.Equal(manifest, await File.ReadAllTextAsync(Path.Combine(_run.StoreRoot, "data", "base", "synthetic-s42-2d", "manifest.json"), TestContext.Current.CancellationToken));
    }
}
