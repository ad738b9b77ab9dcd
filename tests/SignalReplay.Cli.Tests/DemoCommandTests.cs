using SignalReplay.Storage.Objects;
using SignalReplay.Storage.Results;

namespace SignalReplay.Cli.Tests;

public sealed class DemoCommandTests : IDisposable
{
    private readonly CommandLineRun _run = new();

    public void Dispose() => _run.Dispose();

    /// <summary>The run folders under results/ (not the run index, results/.index/).</summary>
    private string[] Runs() => [.. Directory.GetDirectories(Path.Combine(_run.StoreRoot, "results")).Where(path => !Path.GetFileName(path).StartsWith('.'))];

    [Fact]
    public async Task Demo_writes_every_file_of_the_results_layout_and_chooses_the_best_of_the_last_phase()
    {
        var (exitCode, output) = await _run.RunAsync("demo", "--days", "10");

        Assert.True(exitCode == 0, output);
        var results = Assert.Single(Runs());
        var run = Path.GetFileName(results);
        Assert.True(File.Exists(Path.Combine(results, "metadata.json")));
        Assert.True(File.Exists(Path.Combine(results, "summary.json")));
        foreach (var phase in new[] { "grid", "regime", "ensemble", "walk_forward" })
        {
            Assert.True(File.Exists(Path.Combine(results, "phases", phase, "metrics.parquet")), phase);
            Assert.True(File.Exists(Path.Combine(results, "phases", phase, "trades.parquet")), phase);
            Assert.True(File.Exists(Path.Combine(results, "phases", phase, "equity.parquet")), phase);
        }

        Assert.NotEmpty(Directory.GetFiles(Path.Combine(results, "phases", "grid", "events"), "*.jsonl.gz"));

        // The choice: what the last window chose, scored on the test spans chained, whose rows are the walk-forward phase's metrics.
        var reader = new ResultsReader(new LocalFolderStore(_run.StoreRoot));
        var summary = await reader.ReadSummaryAsync(run, TestContext.Current.CancellationToken);
        var walkForward = summary!.Phases[^1].WalkForward!;
        // Each walk-forward window's inner phases keep every portfolio's metrics row in their own folder.
        Assert.All(walkForward.Windows, w => Assert.True(File.Exists(Path.Combine(results, "phases", $"walk_forward-w{w.Window}-grid", "metrics.parquet")), $"window {w.Window}"));
        var tested = await reader.ReadMetricsAsync(run, "walk_forward", TestContext.Current.CancellationToken);
        Assert.Equal("walk_forward", summary.Choice!.Phase);
        Assert.Equal(walkForward.Windows[^1].Choice, summary.Choice.Portfolio);
        Assert.StartsWith("ensemble(", summary.Choice.Portfolio, StringComparison.Ordinal); // the adaptive choice
        Assert.Equal(walkForward.OutOfSampleScore, summary.Choice.Score);
        Assert.Equal(walkForward.Windows.Count, tested!.Count);
        Assert.Equal(walkForward.Windows.Select(w => $"{w.Choice}|wf={w.Window}"), tested.OrderBy(r => r.Portfolio.Split("|wf=")[^1]).Select(r => r.Portfolio));
        Assert.Equal(walkForward.Windows[^1].FinalEquity, tested.Single(r => r.Portfolio.EndsWith($"|wf={walkForward.Windows.Count}", StringComparison.Ordinal)).FinalEquity);
        Assert.Equal(270, summary.Phases[0].Evaluated);
        Assert.Contains("Choice (phase walk_forward's last window, scored out of sample)", output);
        Assert.Contains("walk-forward efficiency", output);
        Assert.Contains($"results/{run}", output.Replace('\\', '/'));

        // Whether the choice is real: every grid, regime, ensemble and walk-forward window portfolio is a trial; 10 days are too few for PBO's 16 blocks, and it says so.
        using var document = System.Text.Json.JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(results, "summary.json"), TestContext.Current.CancellationToken));
        var statistics = document.RootElement.GetProperty("statistics");
        var trials = summary.Phases.Sum(p => p.Evaluated);
        Assert.Equal(["grid", "regime", "ensemble", "walk_forward"], summary.Phases.Select(p => p.Kind));
        Assert.Equal(trials, statistics.GetProperty("trials").GetInt32());
        Assert.Equal(walkForward.Windows.Sum(w => w.Trials), summary.Phases[^1].Evaluated);
        Assert.InRange(statistics.GetProperty("psr").GetDouble(), 0, 1);
        Assert.InRange(statistics.GetProperty("deflated_sharpe").GetDouble(), 0, statistics.GetProperty("psr").GetDouble());
        Assert.Equal(System.Text.Json.JsonValueKind.Null, statistics.GetProperty("pbo").ValueKind);
        Assert.Equal("PBO with S = 16 partitions needs at least 32 periods of returns; there are 6.", statistics.GetProperty("notes")[0].GetString());
        Assert.Contains(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"Is it real? {trials:N0} trials; PSR "), output);
        Assert.Contains("PBO n/a (200 trials, S = 16).", output);
    }

    [Fact]
    public async Task Demo_refuses_fewer_days_than_a_sharpe_needs()
    {
        var (exitCode, output) = await _run.RunAsync("demo", "--days", "5");

        Assert.NotEqual(0, exitCode);
        Assert.Contains("--days must be at least 10", output);
        Assert.False(Directory.Exists(Path.Combine(_run.StoreRoot, "data")));
    }

    [Fact]
    public async Task Running_the_demo_twice_is_the_same_dataset_and_reuses_its_signals()
    {
        await _run.RunAsync("demo", "--days", "10");
        var manifest = await File.ReadAllTextAsync(Path.Combine(_run.StoreRoot, "data", "base", "synthetic-s42-10d", "manifest.json"), TestContext.Current.CancellationToken);

        var (exitCode, output) = await _run.RunAsync("demo", "--days", "10");

        Assert.True(exitCode == 0, output);
        Assert.Equal(manifest, await File.ReadAllTextAsync(Path.Combine(_run.StoreRoot, "data", "base", "synthetic-s42-10d", "manifest.json"), TestContext.Current.CancellationToken));
        Assert.Single(Directory.GetDirectories(Path.Combine(_run.StoreRoot, "data", "indices")));
        Assert.Equal(2, Runs().Length);
    }

    [Fact]
    public async Task Results_export_writes_every_column_of_a_phase_file_as_csv_json_or_parquet_to_a_file_or_to_standard_output()
    {
        await _run.RunAsync("demo", "--days", "10");
        var run = Path.GetFileName(Assert.Single(Runs()));
        var file = Path.Combine(_run.Folder, "grid.csv");
        var metricsFile = Path.Combine(_run.StoreRoot, "results", run, "phases", "grid", "metrics.parquet");
        var columns = await ColumnsAsync(metricsFile);

        var (fileExit, fileOutput) = await _run.RunAsync("results", "export", run, "--phase", "grid", "--out", file);
        var (stdoutExit, stdout) = await _run.RunAsync("results", "export", run, "--phase", "grid", "--out", "-");
        var (jsonExit, json) = await _run.RunAsync("results", "export", run, "--phase", "grid", "--format", "json");
        var parquetFile = Path.Combine(_run.Folder, "trades.parquet");
        var (parquetExit, parquetOutput) = await _run.RunAsync("results", "export", run, "--phase", "grid", "--file", "trades", "--out", parquetFile);
        var (badExit, bad) = await _run.RunAsync("results", "export", run, "--phase", "grid", "--format", "xlsx");

        Assert.True(fileExit == 0, fileOutput);
        Assert.True(stdoutExit == 0, stdout);
        var lines = await File.ReadAllLinesAsync(file, TestContext.Current.CancellationToken);
        Assert.Equal(string.Join(',', columns), lines[0]);
        Assert.Contains("momentum.fast", columns);
        Assert.Contains($"{lines.Length - 1} rows of metrics of phase grid written to {file} (csv)", fileOutput.ReplaceLineEndings(""));
        Assert.Equal(lines, stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => line.TrimEnd('\r')));
        Assert.False(File.Exists(Path.Combine(Environment.CurrentDirectory, "-")), "--out - wrote a file named '-'");

        Assert.True(jsonExit == 0, json);
        using var document = System.Text.Json.JsonDocument.Parse(json);
        Assert.Equal(lines.Length - 1, document.RootElement.GetArrayLength());
        Assert.Equal(columns, document.RootElement[0].EnumerateObject().Select(p => p.Name));

        Assert.True(parquetExit == 0, parquetOutput);
        Assert.Equal(await File.ReadAllBytesAsync(Path.Combine(_run.StoreRoot, "results", run, "phases", "grid", "trades.parquet"), TestContext.Current.CancellationToken), await File.ReadAllBytesAsync(parquetFile, TestContext.Current.CancellationToken));
        Assert.NotEqual(0, badExit);
        Assert.Contains("xlsx", bad);
    }

    [Fact]
    public async Task Exporting_a_damaged_phase_file_names_it_and_leaves_no_file_behind()
    {
        await _run.RunAsync("demo", "--days", "10");
        var run = Path.GetFileName(Assert.Single(Runs()));
        await File.WriteAllTextAsync(Path.Combine(_run.StoreRoot, "results", run, "phases", "grid", "trades.parquet"), "not parquet", TestContext.Current.CancellationToken);
        var target = Path.Combine(_run.Folder, "trades.csv");

        var (exitCode, output) = await _run.RunAsync("results", "export", run, "--phase", "grid", "--file", "trades", "--out", target);

        Assert.Equal(1, exitCode);
        Assert.Contains($"results/{run}/phases/grid/trades.parquet", output.ReplaceLineEndings(""));
        Assert.False(File.Exists(target), "a damaged file was exported");
        Assert.False(File.Exists(target + ".partial"), "the export left its partial file");
    }

    [Fact]
    public async Task Results_trades_prints_a_kept_portfolios_trades_or_writes_them_as_a_file()
    {
        await _run.RunAsync("demo", "--days", "10");
        var run = Path.GetFileName(Assert.Single(Runs()));
        var trades = await new ResultsReader(new LocalFolderStore(_run.StoreRoot)).ReadTradesAsync(run, "grid", TestContext.Current.CancellationToken);
        var best = (await new ResultsReader(new LocalFolderStore(_run.StoreRoot)).ReadMetricsAsync(run, "grid", TestContext.Current.CancellationToken))![0].Portfolio;
        var own = trades!.Where(t => t.Portfolio == best).ToList();

        var (tableExit, table) = await _run.RunAsync("results", "trades", run, "--phase", "grid");
        var (csvExit, csv) = await _run.RunAsync("results", "trades", run, "--phase", "grid", "--format", "csv");
        var (allExit, all) = await _run.RunAsync("results", "trades", run, "--phase", "grid", "--portfolio", "all", "--out", "-");
        var (missingExit, missing) = await _run.RunAsync("results", "trades", run, "--phase", "grid", "--portfolio", "nobody|ff=1");

        Assert.True(tableExit == 0, table);
        Assert.Contains("entry (UTC)", table);
        Assert.Contains($"{own.Count} trades, pnl {own.Sum(t => t.Pnl).ToString("N2", System.Globalization.CultureInfo.InvariantCulture)}.", table);
        Assert.True(csvExit == 0, csv);
        var lines = csv.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("portfolio,symbol,entry_time,exit_time,quantity,entry_price,exit_price,pnl,return,regime_at_open,regime_at_close", lines[0]);
        Assert.Equal(own.Count, lines.Length - 1);
        Assert.True(allExit == 0, all);
        Assert.Equal(trades!.Count, all.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length - 1);
        Assert.NotEqual(0, missingExit);
        Assert.Contains("keeps the trades of 10 portfolios, not of 'nobody|ff=1'", missing.ReplaceLineEndings(""));
    }

    private static async Task<IReadOnlyList<string>> ColumnsAsync(string parquet)
    {
        await using var stream = File.OpenRead(parquet);
        await using var reader = await Parquet.ParquetReader.CreateAsync(stream, cancellationToken: TestContext.Current.CancellationToken);
        return [.. reader.Schema.DataFields.Select(field => field.Name)];
    }

    [Fact]
    public async Task Results_equity_prints_a_kept_portfolios_day_end_equity_and_names_the_kept_ones_for_another()
    {
        await _run.RunAsync("demo", "--days", "10");
        var run = Path.GetFileName(Assert.Single(Runs()));
        var summary = await new ResultsReader(new LocalFolderStore(_run.StoreRoot)).ReadSummaryAsync(run, TestContext.Current.CancellationToken);

        var (tableExit, table) = await _run.RunAsync("results", "equity", run, "--phase", "grid");
        var (csvExit, csv) = await _run.RunAsync("results", "equity", run, "--phase", "grid", "--out", "-");
        var (missingExit, missing) = await _run.RunAsync("results", "equity", run, "--phase", "grid", "--portfolio", "nobody|ff=1");

        Assert.True(tableExit == 0, table);
        Assert.Contains("date (UTC)", table);
        Assert.True(csvExit == 0, csv);
        var lines = csv.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => line.TrimEnd('\r')).ToList();
        Assert.Equal("portfolio,time,equity,drawdown", lines[0]);
        Assert.Equal(7, lines.Count - 1); // one row per in-sample trading day: the demo holds 3 of its 10 out
        var best = summary!.Phases[0].Best[0].Portfolio;
        Assert.All(lines.Skip(1), line => Assert.StartsWith(best.Contains(',', StringComparison.Ordinal) ? $"\"{best}\"," : $"{best},", line, StringComparison.Ordinal));
        Assert.NotEqual(0, missingExit);
        Assert.Contains("Phase 'grid' keeps the equity of 10 portfolios, not of 'nobody|ff=1'", missing.ReplaceLineEndings(""));
    }
}
