using DuckDB.NET.Data;

namespace SignalReplay.Cli.Tests;

/// <summary><c>store_trades</c>: a phase's trades.parquet holds its kept portfolios' trades, or with <c>all</c> every portfolio's.</summary>
public sealed class StoreTradesCommandTests : IDisposable
{
    private readonly CommandLineRun _run = new();

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    public void Dispose() => _run.Dispose();

    private static string Config(string name, string storeTrades) => $$"""
        name: {{name}}
        data: { dataset: synthetic-s42-10d, series: [SYNA_1m, SYNB_1m], batch_window: 1d }
        strategies:
          - { name: momentum, series: SYNA_1m, params: { fast: [5, 10, 20], slow: [40, 80] } }
          - { name: breakout, series: SYNB_1m, params: { length: [20, 40] } }
        portfolio: { risk: { stop_loss: [none, 0.005, 0.01], take_profit: [none, 0.01] } }
        phases:
          - { name: grid, kind: grid, top: 3{{storeTrades}} }
        """;

    private async Task<string> OptimizeAsync(string name, string storeTrades)
    {
        var config = Path.Combine(_run.Folder, $"{name}.yaml");
        await File.WriteAllTextAsync(config, Config(name, storeTrades), Cancel);
        var (exitCode, output) = await _run.RunAsync("optimize", config);
        Assert.True(exitCode == 0, output);
        return Path.Combine(Assert.Single(Directory.GetDirectories(Path.Combine(_run.StoreRoot, "results"), $"{name}-*")), "phases", "grid");
    }

    [Fact]
    public async Task Event_traces_read_in_duckdb_with_a_timestamp_time()
    {
        await _run.RunAsync("demo", "--days", "10");
        var run = Assert.Single(Directory.GetDirectories(Path.Combine(_run.StoreRoot, "results")), d => !Path.GetFileName(d).StartsWith('.'));
        var events = Directory.GetFiles(Path.Combine(run, "phases", "grid", "events"), "*.jsonl.gz")[0];

        var (type, first) = Query($"SELECT typeof(time), min(time) FROM read_json('{events.Replace("'", "''", StringComparison.Ordinal)}') GROUP BY 1").Select(r => ((string)r[0], r[1])).Single();

        Assert.StartsWith("TIMESTAMP", type, StringComparison.Ordinal);
        Assert.True(first is DateTime { Year: 2024 }, $"{first}");
    }

    /// <summary>Runs one query with DuckDB, as a user would on the results folder, and returns its rows.</summary>
    private static List<object[]> Query(string sql)
    {
        using var connection = new DuckDBConnection("DataSource=:memory:");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        using var reader = command.ExecuteReader();
        var rows = new List<object[]>();
        while (reader.Read())
        {
            var row = new object[reader.FieldCount];
            reader.GetValues(row);
            rows.Add(row);
        }

        return rows;
    }

    [Fact]
    public async Task Store_trades_all_keeps_every_portfolios_trades_and_the_default_keeps_the_best()
    {
        await _run.RunAsync("demo", "--days", "10");

        var all = await OptimizeAsync("everything", ", store_trades: all");
        var top = await OptimizeAsync("best", "");

        // Every portfolio's trades: as many per portfolio as its metrics row counts, for all 48 of the grid (8 strategies x 6 risk settings).
        var mismatched = Query($"""
            SELECT m.portfolio, m.trade_count, count(t.portfolio)
            FROM '{all}/metrics.parquet' m LEFT JOIN '{all}/trades.parquet' t ON t.portfolio = m.portfolio
            GROUP BY m.portfolio, m.trade_count HAVING count(t.portfolio) <> m.trade_count
            """);
        Assert.Empty(mismatched);
        Assert.Equal(48L, Query($"SELECT count(*) FROM '{all}/metrics.parquet'")[0][0]);
        var trading = (long)Query($"SELECT count(DISTINCT portfolio) FROM '{all}/trades.parquet'")[0][0];
        Assert.True(trading > 30, $"{trading} portfolios traded");

        // By default only the kept portfolios' (the best 10 the summary needs); their trades are the same bits.
        var kept = (long)Query($"SELECT count(DISTINCT portfolio) FROM '{top}/trades.parquet'")[0][0];
        Assert.InRange(kept, 1, 10);
        var different = Query($"""
            SELECT * FROM (SELECT * FROM '{top}/trades.parquet')
            EXCEPT SELECT * FROM '{all}/trades.parquet'
            """);
        Assert.Empty(different);
    }

    [Fact]
    public async Task Each_phase_keeps_the_day_end_equity_and_drawdown_of_the_portfolios_whose_trades_it_keeps()
    {
        await _run.RunAsync("demo", "--days", "10");
        var grid = await OptimizeAsync("curves", "");

        // A UTC TIMESTAMP a row, one row per kept portfolio and trading date, dates ascending within each portfolio.
        Assert.Equal("TIMESTAMP WITH TIME ZONE", Query($"SELECT DISTINCT typeof(time) FROM '{grid}/equity.parquet'").Single()[0]);
        // Every time column of the results is one: trades' entry and exit (exit after entry), metrics' trading window.
        Assert.Equal(
            ["TIMESTAMP WITH TIME ZONE", "TIMESTAMP WITH TIME ZONE"],
            Query($"SELECT typeof(entry_time), typeof(exit_time) FROM '{grid}/trades.parquet' LIMIT 1").Single().Select(v => (string)v));
        Assert.Equal(0L, Query($"SELECT count(*) FROM '{grid}/trades.parquet' WHERE exit_time < entry_time OR entry_time < TIMESTAMPTZ '2024-01-01'")[0][0]);
        Assert.Equal("TIMESTAMP WITH TIME ZONE", Query($"SELECT typeof(window_from) FROM '{grid}/metrics.parquet' LIMIT 1").Single()[0]);
        var kept = Query($"SELECT DISTINCT portfolio FROM '{grid}/trades.parquet' ORDER BY 1").Select(r => r[0]).ToList();
        var curves = Query($"SELECT DISTINCT portfolio FROM '{grid}/equity.parquet' ORDER BY 1").Select(r => r[0]).ToList();
        Assert.Equal(10L, Query($"SELECT count(DISTINCT portfolio) FROM '{grid}/equity.parquet'")[0][0]);
        Assert.Subset(curves.ToHashSet(), kept.ToHashSet());
        Assert.Equal(10L, Query($"SELECT count(DISTINCT CAST(time AS DATE)) FROM '{grid}/equity.parquet'")[0][0]);

        // Drawdown is the fall from the running peak, and the last day's equity is the metrics row's final equity.
        var wrong = Query($"""
            SELECT portfolio, time FROM (
              SELECT portfolio, time, drawdown, 1 - equity / max(equity) OVER (PARTITION BY portfolio ORDER BY time) AS expected
              FROM '{grid}/equity.parquet')
            WHERE abs(drawdown - expected) > 1e-12
            """);
        Assert.Empty(wrong);
        var mismatched = Query($"""
            SELECT e.portfolio FROM (SELECT portfolio, arg_max(equity, time) AS last FROM '{grid}/equity.parquet' GROUP BY portfolio) e
            JOIN '{grid}/metrics.parquet' m USING (portfolio) WHERE abs(e.last - m.final_equity) > 1e-9
            """);
        Assert.Empty(mismatched);
    }

    [Fact]
    public async Task A_store_trades_value_that_is_not_top_or_all_is_refused_naming_the_key()
    {
        var config = Path.Combine(_run.Folder, "typo.yaml");
        await File.WriteAllTextAsync(config, Config("typo", ", store_trades: every"), Cancel);

        var (exitCode, output) = await _run.RunAsync("optimize", config);

        Assert.NotEqual(0, exitCode);
        Assert.Contains("store_trades", output);
        Assert.Contains("every", output);
    }

    [Fact]
    public async Task Metrics_have_a_column_per_strategy_parameter_so_a_heatmap_is_a_group_by_and_the_report_draws_it()
    {
        await _run.RunAsync("demo", "--days", "10");
        var grid = await OptimizeAsync("params", "");
        var run = Path.GetFileName(Path.GetDirectoryName(Path.GetDirectoryName(grid)))!;

        var columns = Query($"SELECT column_name FROM (DESCRIBE SELECT * FROM '{grid}/metrics.parquet') WHERE column_name LIKE '%.%'").Select(r => (string)r[0]).ToList();
        var cells = Query($"""
            SELECT "momentum.fast", "momentum.slow", max(score), count(*) FROM '{grid}/metrics.parquet'
            WHERE "momentum.fast" IS NOT NULL GROUP BY ALL ORDER BY 1, 2
            """);
        var breakout = Query($"SELECT DISTINCT \"breakout.length\" FROM '{grid}/metrics.parquet' WHERE \"momentum.fast\" IS NULL ORDER BY 1");
        var (reported, output) = await _run.RunAsync("results", "report", run, "--x", "momentum.slow", "--y", "momentum.fast");
        var (refused, error) = await _run.RunAsync("results", "report", run, "--x", "momentum.fastest");

        Assert.Equal(["breakout.length", "breakout.long_only", "momentum.fast", "momentum.slow", "momentum.long_only"], columns);
        Assert.Equal([(5.0, 40.0), (5.0, 80.0), (10.0, 40.0), (10.0, 80.0), (20.0, 40.0), (20.0, 80.0)], cells.Select(r => ((double)r[0], (double)r[1])));
        Assert.All(cells, r => Assert.Equal(6L, r[3])); // each pair under the 6 risk settings
        Assert.Equal([20.0, 40.0], breakout.Select(r => (double)r[0]));
        Assert.True(reported == 0, output);
        var html = await File.ReadAllTextAsync(Path.Combine(_run.StoreRoot, "results", run, "report.html"), Cancel);
        Assert.Contains("by momentum.slow (x) and momentum.fast (y)</h2>", html, StringComparison.Ordinal);
        Assert.Equal(2 * 3, System.Text.RegularExpressions.Regex.Matches(html, "<rect ").Count);
        Assert.Equal(1, refused);
        Assert.Contains("Phase 'grid' has no parameter 'momentum.fastest' that varies; its varying parameters are breakout.length, momentum.fast, momentum.slow.", error);
    }
}
