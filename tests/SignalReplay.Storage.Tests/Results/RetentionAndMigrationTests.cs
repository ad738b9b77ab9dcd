using System.Text;
using SignalReplay.Storage.Objects;
using SignalReplay.Storage.Parquet;
using SignalReplay.Storage.Results;
using SignalReplay.Storage.Retention;

namespace SignalReplay.Storage.Tests.Results;

public sealed class RetentionAndMigrationTests : IDisposable
{
    private readonly TempFolder _folder = new();
    private readonly LocalFolderStore _store;

    public RetentionAndMigrationTests() => _store = new LocalFolderStore(_folder.Path);

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    public void Dispose() => _folder.Dispose();

    private Task PutAsync(ObjectKey key, string text, bool tagged = true) =>
        _store.PutBytesAsync(key, Encoding.UTF8.GetBytes(text), tagged ? ResultsLayout.Tagged(key) : null, Cancel);

    [Fact]
    public async Task Retention_deletes_each_class_after_its_days_keeps_summaries_and_leaves_untagged_objects()
    {
        await PutAsync(ResultsLayout.Events("r1", "grid", "p1"), "e");
        await PutAsync(ResultsLayout.Trades("r1", "grid"), "t");
        await PutAsync(ResultsLayout.Metrics("r1", "grid"), "m");
        await PutAsync(ResultsLayout.Summary("r1"), "s");
        await PutAsync(ObjectKey.Parse("results/r1/notes.txt"), "n", tagged: false);
        var now = DateTimeOffset.UtcNow;

        var afterTenDays = await RetentionSweeper.ApplyAsync(_store, RetentionPolicy.Default, now.AddDays(10), dryRun: false, Cancel);
        Assert.Equal(["events"], afterTenDays.Deleted.Select(d => d.Class));
        Assert.False(await _store.ExistsAsync(ResultsLayout.Events("r1", "grid", "p1"), Cancel));
        Assert.Equal(["results/r1/notes.txt"], afterTenDays.Untagged);

        var afterTwoYears = await RetentionSweeper.ApplyAsync(_store, RetentionPolicy.Default, now.AddDays(800), dryRun: false, Cancel);
        Assert.Equal(["metrics", "trades"], afterTwoYears.Deleted.Select(d => d.Class).Order());
        Assert.True(await _store.ExistsAsync(ResultsLayout.Summary("r1"), Cancel));
        Assert.True(await _store.ExistsAsync(ObjectKey.Parse("results/r1/notes.txt"), Cancel));
    }

    [Fact]
    public async Task A_dry_run_deletes_nothing_and_days_are_configurable()
    {
        await PutAsync(ResultsLayout.Trades("r2", "grid"), "t");

        var report = await RetentionSweeper.ApplyAsync(_store, RetentionPolicy.Default with { TradesDays = 1 }, DateTimeOffset.UtcNow.AddDays(2), dryRun: true, Cancel);

        Assert.Single(report.Deleted);
        Assert.True(await _store.ExistsAsync(ResultsLayout.Trades("r2", "grid"), Cancel));
    }

    private const string V1 = """
        { "metadata": { "author": "v1 pipeline", "seed": 7 },
          "metrics": [
            { "portfolio": "a", "phase": "grid", "sharpe": 1.25, "total_return": 0.1, "trade_count": 3, "final_equity": 11000 },
            { "portfolio": "b", "phase": "grid", "sharpe": 2.5, "total_return": 0.2, "trade_count": 4, "final_equity": 12000 } ],
          "trades": [ { "portfolio": "b", "phase": "grid", "symbol": "SPY", "entry_time": 1704205800000, "exit_time": 1704292200000,
                        "quantity": 3.5, "entry_price": 100.25, "exit_price": 101.125, "pnl": 3.0625 } ] }
        """;

    [Fact]
    public async Task Migrate_converts_v1_results_losslessly_and_idempotently()
    {
        await _store.PutBytesAsync(ResultsLayout.V1Results("old"), Encoding.UTF8.GetBytes(V1), cancellationToken: Cancel);
        var migrator = new ResultsMigrator(_store);

        var first = await migrator.MigrateAllAsync(Cancel);
        var metrics = await _store.ReadAllBytesAsync(ResultsLayout.Metrics("old", "grid"), Cancel);
        var second = await migrator.MigrateAllAsync(Cancel);

        Assert.Equal(["old"], first.Migrated);
        Assert.Equal(["old"], second.AlreadyMigrated);
        Assert.Equal(metrics, await _store.ReadAllBytesAsync(ResultsLayout.Metrics("old", "grid"), Cancel));
        var reader = new ResultsReader(_store);
        var rows = (await reader.ReadMetricsAsync("old", "grid", Cancel))!;
        Assert.Equal(["b", "a"], rows.Select(r => r.Portfolio));
        Assert.Equal(2.5, rows[0].Metrics["sharpe"]);
        Assert.Equal(0.1, rows[1].Metrics["total_return"]);
        Assert.Equal(12000, rows[0].FinalEquity);
        var metadata = (await reader.ReadMetadataAsync("old", Cancel))!;
        Assert.Equal(7, metadata.OriginalMetadata!.Value.GetProperty("seed").GetInt32());
        Assert.Equal("b", (await reader.ReadSummaryAsync("old", Cancel))!.Choice!.Portfolio);
        Assert.True(await _store.ExistsAsync(ResultsLayout.Trades("old", "grid"), Cancel));
        Assert.True(await _store.ExistsAsync(ResultsLayout.V1Results("old"), Cancel));
    }

    [Theory]
    [InlineData("{ not json", "is not JSON")]
    [InlineData("""{ "trades": [] }""", "no 'metrics' array")]
    [InlineData("""{ "metrics": [ { "portfolio": "a", "sharpe": "high" } ] }""", "metrics[0].sharpe is not a number")]
    public async Task Bad_v1_results_are_named_and_nothing_is_written(string v1, string reason)
    {
        await _store.PutBytesAsync(ResultsLayout.V1Results("bad"), Encoding.UTF8.GetBytes(v1), cancellationToken: Cancel);

        var error = await Assert.ThrowsAsync<StoredDataException>(() => new ResultsMigrator(_store).MigrateAsync("bad", Cancel));

        Assert.Contains("results/bad/results.json", error.Message);
        Assert.Contains(reason, error.Message);
        Assert.False(await _store.ExistsAsync(ResultsLayout.Summary("bad"), Cancel));
        Assert.False(await _store.ExistsAsync(ResultsLayout.Metadata("bad"), Cancel));
    }

    [Theory]
    [InlineData("../x")]
    [InlineData(".hidden")]
    [InlineData("a/b")]
    public void Run_ids_that_walk_out_are_refused(string run)
    {
        Assert.Throws<ArgumentException>(() => ResultsLayout.Summary(run));
    }

    [Fact]
    public void Phase_names_and_portfolio_ids_that_walk_out_are_refused()
    {
        Assert.Throws<ArgumentException>(() => ResultsLayout.Metrics("r", "../grid"));
        Assert.Throws<ArgumentException>(() => ResultsLayout.Events("r", "grid", "../p"));
    }

    [Fact]
    public async Task A_portfolio_id_too_long_for_a_file_name_names_its_events_by_a_prefix_and_a_hash_of_the_whole()
    {
        var up = string.Join("+", Enumerable.Range(0, 4).Select(i => $"0.25@momentum(fast={i},slow=200,long_only=0)@SYNA_1m"));
        var (first, second) = ($"ensemble(UP={up},DOWN=1@breakout(length=60)@SYNC_1m)|ff=0.5", $"ensemble(UP={up},DOWN=1@breakout(length=30)@SYNC_1m)|ff=0.5");

        var (a, b) = (ResultsLayout.Events("r", "ensemble", first), ResultsLayout.Events("r", "ensemble", second));
        await PutAsync(a, "{}");

        var name = a.Value[(a.Value.LastIndexOf('/') + 1)..];
        Assert.True(first.Length > 250);
        Assert.Equal(ResultsLayout.MaxFileId + ".jsonl.gz".Length, name.Length);
        Assert.StartsWith(first[..(ResultsLayout.MaxFileId - 17)] + "-", name, StringComparison.Ordinal);
        Assert.NotEqual(a, b);                                                 // the same prefix, another hash
        Assert.Equal(a, ResultsLayout.Events("r", "ensemble", first));         // the same id, the same file
        Assert.Equal(RetentionClass.Events, ResultsLayout.ClassOf(a));
        Assert.Equal("{}", Encoding.UTF8.GetString(await _store.ReadAllBytesAsync(a, Cancel)));
        Assert.Equal("r/phases/grid/events/p|ff=1.jsonl.gz", ResultsLayout.Events("r", "grid", "p|ff=1").Value[ResultsLayout.Root.Length..]); // a short id as it is
    }
}
