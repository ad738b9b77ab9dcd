using Parquet.Schema;
using SignalReplay.Core.Indices;

namespace SignalReplay.Storage.Tests.Parquet;

public sealed class IndexParquetTests
{
    private static readonly SeriesId Spy = SeriesId.Parse("SPY_1m");

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private static async Task<byte[]> Encode(Func<Stream, Task> write)
    {
        using var buffer = new MemoryStream();
        await write(buffer);
        return buffer.ToArray();
    }

    private static SignalIndex MultiSeriesSignals()
    {
        var builder = new SignalIndexBuilder("pairs(lookback=20)|ff=0.5", Spy, [SeriesId.Parse("IBM_1m"), SeriesId.Parse("BAC_5m")]);
        builder.Record(10, 1, [9, 1]);
        builder.Record(25, -0.5, [24, 4]);
        builder.Record(40, 0, [38, 7]);
        return builder.Build();
    }

    [Fact]
    public async Task A_signal_index_with_referenced_series_round_trips()
    {
        var index = MultiSeriesSignals();

        var read = await SignalIndexParquet.ReadAsync(
            new MemoryStream(await Encode(s => SignalIndexParquet.WriteAsync(index, s, Cancel))), "signals/pairs.parquet", Cancel);

        Assert.Equal(index.StrategyInstance, read.StrategyInstance);
        Assert.Equal(index.PrimarySeries, read.PrimarySeries);
        Assert.Equal(index.ReferencedSeries, read.ReferencedSeries);
        Assert.Equal(index.BarIdx.ToArray(), read.BarIdx.ToArray());
        Assert.Equal(index.Value.ToArray(), read.Value.ToArray());
        Assert.Equal([24, 4], new[] { read.ReferencedBarIdx(0)[1], read.ReferencedBarIdx(1)[1] });
    }

    [Fact]
    public async Task An_empty_signal_index_round_trips()
    {
        var index = SignalIndex.FromDense("flat", Spy, new double[100]);

        var read = await SignalIndexParquet.ReadAsync(new MemoryStream(await Encode(s => SignalIndexParquet.WriteAsync(index, s, Cancel))), "x", Cancel);

        Assert.Equal(0, read.Count);
        Assert.Empty(read.ReferencedSeries);
    }

    [Fact]
    public async Task Classifier_changes_round_trip_with_the_first_change_from_null()
    {
        var index = ClassifierChangeIndex.FromDense("volatility", [null, null, "LOW", "LOW", "HIGH", "NORMAL"]);

        var read = await ClassifierChangeParquet.ReadAsync(
            new MemoryStream(await Encode(s => ClassifierChangeParquet.WriteAsync(index, s, Cancel))), "classifier_changes/volatility.parquet", Cancel);

        Assert.Equal("volatility", read.Classifier);
        Assert.Equal([2, 4, 5], read.BarIdx.ToArray());
        Assert.Equal([null, "LOW", "HIGH"], read.OldRegime.ToArray());
        Assert.Equal(["LOW", "HIGH", "NORMAL"], read.NewRegime.ToArray());
    }

    [Fact]
    public async Task Alignment_indices_of_several_primaries_round_trip_in_one_file()
    {
        var start = new DateTimeOffset(2013, 10, 4, 13, 30, 0, TimeSpan.Zero).ToUnixTimeMilliseconds();
        BarSeries Series(string name, int count, int step) => BarSeries.FromBars(
            SeriesId.Parse(name), [.. Enumerable.Range(0, count).Select(i => new Bar(start + (i * step * 60_000L), 10, 11, 9, 10, 1))]);
        var index = AlignmentIndex.Build(Series("SPY_1m", 60, 1), [Series("BAC_5m", 12, 5), Series("IBM_1m", 30, 2)]);
        var other = AlignmentIndex.Build(Series("QQQ_1m", 30, 1), [Series("BAC_5m", 12, 5)]);

        var all = await AlignmentParquet.ReadAsync(
            new MemoryStream(await Encode(s => AlignmentParquet.WriteAsync([index, other], s, Cancel))), "cross_references/symbol_alignment.parquet", Cancel);

        Assert.Equal(2, all.Count);
        Assert.Equal(other.RowCount, all[1].RowCount);
        var read = all[0];
        Assert.Equal(index.Primary, read.Primary);
        Assert.Equal(index.Series, read.Series);
        for (var bar = 0; bar < 60; bar++)
        {
            Assert.Equal(index.BarIdxAt(0, bar), read.BarIdxAt(0, bar));
            Assert.Equal(index.BarIdxAt(1, bar), read.BarIdxAt(1, bar));
        }
    }

    [Fact]
    public async Task A_truncated_index_file_is_refused_naming_the_file()
    {
        var bytes = await Encode(s => SignalIndexParquet.WriteAsync(MultiSeriesSignals(), s, Cancel));

        var error = await Assert.ThrowsAsync<StoredDataException>(() => SignalIndexParquet.ReadAsync(
            new MemoryStream(bytes[..^20]), "data/indices/abc/signals/pairs.parquet", Cancel));

        Assert.Contains("data/indices/abc/signals/pairs.parquet", error.Message);
    }

    [Fact]
    public async Task An_index_file_whose_rows_break_the_rules_is_refused_naming_file_and_row()
    {
        var barIdx = new DataField<int>("bar_idx");
        var value = new DataField<double>("value");
        var bytes = await Encode(s => ParquetTable.WriteAsync(
            s,
            new ParquetSchema(barIdx, value),
            SignalIndexParquet.Schema,
            new Dictionary<string, string>
            {
                ["signalreplay.strategy_instance"] = "momentum",
                ["signalreplay.primary_series"] = "SPY_1m",
                ["signalreplay.referenced_series"] = "",
            },
            async rowGroup =>
            {
                await rowGroup.WriteAsync<int>(barIdx, new[] { 5, 3 });
                await rowGroup.WriteAsync<double>(value, new[] { 1.0, -1.0 });
            },
            Cancel));

        var error = await Assert.ThrowsAsync<StoredDataException>(() => SignalIndexParquet.ReadAsync(new MemoryStream(bytes), "signals/momentum.parquet", Cancel));

        Assert.Contains("signals/momentum.parquet: holds data that breaks its rules", error.Message);
        Assert.Contains("row 1: bar_idx 3 is not after the previous row's 5", error.Message);
    }

    [Fact]
    public async Task A_bars_file_is_not_read_as_signals()
    {
        var bars = BarSeries.FromBars(Spy, [new Bar(0, 1, 1, 1, 1, 1)]);
        var bytes = await Encode(s => BarSeriesParquet.WriteAsync(bars, s, Cancel));

        var error = await Assert.ThrowsAsync<StoredDataException>(() => SignalIndexParquet.ReadAsync(new MemoryStream(bytes), "x.parquet", Cancel));

        Assert.Contains("is not a 'signals' file", error.Message);
    }
}
