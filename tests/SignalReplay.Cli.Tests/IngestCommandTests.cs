namespace SignalReplay.Cli.Tests;

public sealed class IngestCommandTests : IDisposable
{
    private readonly CommandLineRun _run = new();

    public void Dispose() => _run.Dispose();

    private string Csv(string name, string body)
    {
        var path = Path.Combine(_run.Folder, name);
        File.WriteAllText(path, "timestamp,open,high,low,close,volume\n" + body);
        return path;
    }

    [Fact]
    public async Task Ingest_writes_the_series_and_its_resamples_with_a_manifest()
    {
        var csv = Csv("SPY_1m.csv", string.Concat(Enumerable.Range(0, 10).Select(i => $"2013-10-04T13:{30 + i}:00Z,1,2,0.5,1.5,100\n")));

        var (exitCode, output) = await _run.RunAsync("ingest", csv, "--dataset", "lean", "--resample", "5m,1h");

        Assert.Equal(0, exitCode);
        Assert.Contains("SPY_1m", output);
        Assert.Contains("SPY_5m", output);
        var manifest = await new SignalReplay.Storage.BaseData.BaseDatasetStore(new SignalReplay.Storage.Objects.LocalFolderStore(_run.StoreRoot))
            .ReadManifestAsync("lean", TestContext.Current.CancellationToken);
        Assert.Equal(["SPY_1h", "SPY_1m", "SPY_5m"], manifest!.Series.Keys);
        foreach (var entry in manifest.Series.Values)
        {
            Assert.True(File.Exists(Path.Combine(_run.StoreRoot, "data", "base", "lean", entry.File!)), entry.File);
        }
    }

    [Fact]
    public async Task A_bad_row_fails_the_ingest_naming_file_and_line_and_writes_nothing()
    {
        var good = Csv("IBM_1m.csv", "2013-10-04T13:30:00Z,1,2,0.5,1.5,100\n");
        var bad = Csv("SPY_1m.csv", "2013-10-04T13:30:00Z,1,2,0.5,1.5,100\n2013-10-04T13:31:00Z,1,1,2,1,100\n");

        var (exitCode, output) = await _run.RunAsync("ingest", good, bad, "--dataset", "lean");

        Assert.Equal(1, exitCode);
        Assert.Contains("SPY_1m.csv, line 3: high 1 is below low 2", output.ReplaceLineEndings(""));
        Assert.False(Directory.Exists(Path.Combine(_run.StoreRoot, "data")), "nothing may be written when any file is bad");
    }

    [Fact]
    public async Task A_file_not_named_after_its_series_is_refused()
    {
        var csv = Csv("prices.csv", "2013-10-04T13:30:00Z,1,2,0.5,1.5,100\n");

        var (exitCode, output) = await _run.RunAsync("ingest", csv, "--dataset", "lean");

        Assert.Equal(1, exitCode);
        Assert.Contains("the file name must be the series name", output.ReplaceLineEndings(""));
    }

    [Fact]
    public async Task A_dataset_name_with_a_path_is_refused()
    {
        var csv = Csv("SPY_1m.csv", "2013-10-04T13:30:00Z,1,2,0.5,1.5,100\n");

        var (exitCode, output) = await _run.RunAsync("ingest", csv, "--dataset", "../../etc");

        Assert.Equal(1, exitCode);
        Assert.Contains("is not a valid dataset name", output.ReplaceLineEndings(""));
    }

    [Fact]
    public async Task Every_shared_csv_ingests()
    {
        var folders = new[] { "lean-minute", "lean-daily", "backtesting-py", "backtrader" }.Select(SharedData.Require).ToArray();

        var (exitCode, output) = await _run.RunAsync(["ingest", .. folders, "--dataset", "shared"]);

        Assert.True(exitCode == 0, output);
        var parquet = Directory.GetFiles(Path.Combine(_run.StoreRoot, "data", "base", "shared"), "*.parquet");
        Assert.Equal(folders.Sum(folder => Directory.GetFiles(folder, "*.csv").Length), parquet.Length);
    }
}
