using SignalReplay.Core.Portfolio;
using SignalReplay.Storage.Objects;
using SignalReplay.Storage.Parquet;
using SignalReplay.Storage.Results;

namespace SignalReplay.Storage.Tests.Results;

public sealed class PhaseTradesWriterTests : IDisposable
{
    private readonly TempFolder _folder = new();

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    public void Dispose() => _folder.Dispose();

    private static ClosedTrade Trade(int i) =>
        new("SYNA", 1_000L * i, (1_000L * i) + 500, 1 + (i % 7), 100 + (i / 1000.0), 101 + (i / 999.0), i % 13 == 0 ? -1.5 : 2.5)
        {
            RegimeAtOpen = i % 3 == 0 ? null : "TRENDING_UP",
            RegimeAtClose = "NEUTRAL",
        };

    [Fact]
    public async Task Trades_streamed_past_a_row_group_are_stored_in_order_in_groups_of_65536()
    {
        var store = new LocalFolderStore(_folder.Combine("store"));
        var key = ResultsLayout.Trades("run", "grid");
        int[] counts = [40_000, 0, 50_000, 1];
        var expected = counts.SelectMany((n, p) => Enumerable.Range(0, n).Select(i => ($"p{p}", Trade((p * 100_000) + i)))).ToList();

        await using (var writer = new PhaseTradesWriter())
        {
            for (var p = 0; p < counts.Length; p++)
            {
                await writer.AppendAsync($"p{p}", [.. expected.Where(e => e.Item1 == $"p{p}").Select(e => e.Item2)], Cancel);
            }

            Assert.Equal(expected.Count, writer.Rows);
            await writer.StoreAsync(store, key, Cancel);
        }

        await using var content = new MemoryStream(await store.ReadAllBytesAsync(key, Cancel));
        var (groups, portfolios, pnl, opened) = await ParquetTable.ReadAsync(content, key.Value, PhaseParquet.TradesSchema, async file => (
            file.RowGroupRows,
            await file.ReadStringColumnAsync(file.RequireField("portfolio")),
            await file.ReadColumnAsync<double>(file.RequireField("pnl")),
            await file.ReadStringColumnAsync(file.RequireField("regime_at_open"))), Cancel);
        Assert.Equal([PhaseTradesWriter.RowGroupRows, expected.Count - PhaseTradesWriter.RowGroupRows], groups);
        Assert.Equal(expected.Select(e => e.Item1), portfolios);
        Assert.Equal(expected.Select(e => e.Item2.Pnl), pnl);
        Assert.Equal(expected.Select(e => e.Item2.RegimeAtOpen), opened);
    }

    [Fact]
    public async Task A_phase_without_trades_stores_an_empty_trades_file()
    {
        var store = new LocalFolderStore(_folder.Combine("store"));
        var key = ResultsLayout.Trades("run", "quiet");

        await using (var writer = new PhaseTradesWriter())
        {
            await writer.AppendAsync("p0", [], Cancel);
            await writer.StoreAsync(store, key, Cancel);
        }

        await using var content = new MemoryStream(await store.ReadAllBytesAsync(key, Cancel));
        var (rows, fields) = await ParquetTable.ReadAsync(content, key.Value, PhaseParquet.TradesSchema, file =>
            Task.FromResult((file.RowCount, PhaseParquet.TradesColumns.DataFields.Select(f => file.RequireField(f.Name)).Count())), Cancel);
        Assert.Equal(0, rows);
        Assert.Equal(PhaseParquet.TradesColumns.DataFields.Length, fields);
    }
}
