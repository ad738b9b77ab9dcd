using Parquet.Schema;
using SignalReplay.Core.Indices;

namespace SignalReplay.Storage.Tests.Parquet;

public sealed class IndexParquetTests
{
    private static readonly SeriesId Spy = SeriesId.Parse("SPY_1m");
    private static readonly SeriesId Ibm = SeriesId.Parse("IBM_1m");
    private static readonly SeriesId Bac = SeriesId.Parse("BAC_5m");

    private static readonly IReadOnlyDictionary<SeriesId, int> Bars = new Dictionary<SeriesId, int> { [Spy] = 100, [Ibm] = 100, [Bac] = 20 };

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private static async Task<byte[]> Encode(Func<Stream, Task> write)
    {
        using var buffer = new MemoryStream();
        await write(buffer);
        return buffer.ToArray();
    }

    private static SignalIndex MultiSeriesSignals(string instance = "pairs(lookback=20)@SPY_1m+BAC_5m+IBM_1m")
    {
        var builder = new SignalIndexBuilder(instance, Spy, [Bac, Ibm]);
        builder.Record(10, 1, [1, 9]);
        builder.Record(25, -0.5, [4, 24]);
        builder.Record(40, 0, [7, 38]);
        return builder.Build();
    }

    private static SignalIndex Momentum(string instance, params int[] changes)
    {
        var builder = new SignalIndexBuilder(instance, Spy, []);
        for (var i = 0; i < changes.Length; i++)
        {
            builder.Record(changes[i], i % 2 == 0 ? 1 : -1, []);
        }

        return builder.Build();
    }

    private static PackedSignals Layout(SignalIndex index) => new(index.StrategyInstance, index.PrimarySeries, index.ReferencedSeries, index.Count);

    [Fact]
    public async Task Several_instances_pack_into_one_file_and_read_back_with_their_referenced_series()
    {
        SignalIndex[] indices = [Momentum("a", 3, 7), Momentum("b"), MultiSeriesSignals("c"), Momentum("d", 1)];

        var read = await SignalIndexParquet.ReadAsync(
            new MemoryStream(await Encode(s => SignalIndexParquet.WriteAsync(indices, s, Cancel))), "signals.parquet", [.. indices.Select(Layout)], Bars, cancellationToken: Cancel);

        Assert.Equal(indices.Select(i => i.StrategyInstance), read.Select(i => i.StrategyInstance));
        foreach (var (expected, actual) in indices.Zip(read))
        {
            Assert.Equal(expected.PrimarySeries, actual.PrimarySeries);
            Assert.Equal(expected.ReferencedSeries, actual.ReferencedSeries);
            Assert.Equal(expected.BarIdx.ToArray(), actual.BarIdx.ToArray());
            Assert.Equal(expected.Value.ToArray(), actual.Value.ToArray());
        }

        Assert.Equal([4, 24], new[] { read[2].ReferencedBarIdx(0)[1], read[2].ReferencedBarIdx(1)[1] });
    }

    [Fact]
    public async Task A_reader_decodes_only_the_row_groups_of_the_instances_it_wants()
    {
        // Two instances of more than a row group each, then a small one in the last group.
        var big = Enumerable.Range(0, SignalIndexParquet.RowGroupRows + 10).ToArray();
        SignalIndex[] indices = [Momentum("a", big), Momentum("b", big), Momentum("c", 5, 9)];
        var bars = new Dictionary<SeriesId, int> { [Spy] = big.Length };
        var bytes = await Encode(s => SignalIndexParquet.WriteAsync(indices, s, Cancel));

        var read = await SignalIndexParquet.ReadAsync(new MemoryStream(bytes), "signals.parquet", [.. indices.Select(Layout)], bars, new HashSet<string> { "c" }, Cancel);

        Assert.Equal(["c"], read.Select(i => i.StrategyInstance));
        Assert.Equal([5, 9], read[0].BarIdx.ToArray());
        // Damage the first row group's data: a reader that wants only "c" never decodes it.
        var damaged = (byte[])bytes.Clone();
        for (var i = 100; i < 200; i++)
        {
            damaged[i] ^= 0x5A;
        }

        var again = await SignalIndexParquet.ReadAsync(new MemoryStream(damaged), "signals.parquet", [.. indices.Select(Layout)], bars, new HashSet<string> { "c" }, Cancel);
        Assert.Equal([5, 9], again[0].BarIdx.ToArray());
    }

    [Fact]
    public async Task Instances_must_be_written_in_order()
    {
        var error = await Assert.ThrowsAsync<ArgumentException>(() => SignalIndexParquet.WriteAsync([Momentum("b"), Momentum("a")], Stream.Null, Cancel));

        Assert.Contains("sorted by strategy instance", error.Message);
    }

    [Fact]
    public async Task Rows_of_an_instance_the_manifest_does_not_list_are_refused_naming_the_row()
    {
        SignalIndex[] indices = [Momentum("a", 3), Momentum("b", 4, 8)];
        var bytes = await Encode(s => SignalIndexParquet.WriteAsync(indices, s, Cancel));

        // A manifest that lost "a" but kept the count: the file's first row is not "b"'s.
        var error = await Assert.ThrowsAsync<StoredDataException>(() => SignalIndexParquet.ReadAsync(
            new MemoryStream(bytes), "data/indices/x/signals.parquet", [Layout(indices[1]) with { Rows = 3 }], Bars, cancellationToken: Cancel));

        Assert.Contains("data/indices/x/signals.parquet: row 0: strategy 'a' where its manifest puts 'b'", error.Message);
    }

    [Fact]
    public async Task A_row_count_other_than_the_manifest_says_is_refused()
    {
        SignalIndex[] indices = [Momentum("a", 3), Momentum("b", 4, 8)];
        var bytes = await Encode(s => SignalIndexParquet.WriteAsync(indices, s, Cancel));

        var error = await Assert.ThrowsAsync<StoredDataException>(() => SignalIndexParquet.ReadAsync(
            new MemoryStream(bytes), "signals.parquet", [Layout(indices[1])], Bars, cancellationToken: Cancel));

        Assert.Contains("holds 3 rows; its manifest counts 2", error.Message);
    }

    [Fact]
    public async Task A_bar_idx_outside_its_series_is_refused_naming_file_and_row()
    {
        SignalIndex[] indices = [Momentum("a", 3), Momentum("b", 4, 150)];
        var bytes = await Encode(s => SignalIndexParquet.WriteAsync(indices, s, Cancel));

        var error = await Assert.ThrowsAsync<StoredDataException>(() => SignalIndexParquet.ReadAsync(
            new MemoryStream(bytes), "signals.parquet", [.. indices.Select(Layout)], Bars, cancellationToken: Cancel));

        Assert.Contains("signals.parquet: row 2: bar_idx 150 is outside SPY_1m's 100 bars", error.Message);
    }

    [Fact]
    public async Task An_empty_set_of_signals_round_trips()
    {
        var read = await SignalIndexParquet.ReadAsync(
            new MemoryStream(await Encode(s => SignalIndexParquet.WriteAsync([Momentum("flat")], s, Cancel))), "x", [Layout(Momentum("flat"))], Bars, cancellationToken: Cancel);

        Assert.Equal(0, read.Single().Count);
        Assert.Empty(read.Single().ReferencedSeries);
    }

    [Fact]
    public async Task Classifier_changes_of_several_classifiers_round_trip_in_one_file()
    {
        var trend = ClassifierChangeIndex.FromDense("trend", ["UP", "UP", "DOWN"]);
        var volatility = ClassifierChangeIndex.FromDense("volatility", [null, null, "LOW", "LOW", "HIGH", "NORMAL"]);

        var read = await ClassifierChangeParquet.ReadAsync(
            new MemoryStream(await Encode(s => ClassifierChangeParquet.WriteAsync([trend, volatility], s, Cancel))),
            "classifier_changes.parquet",
            [("trend", Spy, 2), ("volatility", Spy, 3)],
            Bars,
            Cancel);

        Assert.Equal(["trend", "volatility"], read.Select(c => c.Classifier));
        Assert.Equal([0, 2], read[0].BarIdx.ToArray());
        Assert.Equal([2, 4, 5], read[1].BarIdx.ToArray());
        Assert.Equal([null, "LOW", "HIGH"], read[1].OldRegime.ToArray());
        Assert.Equal(["LOW", "HIGH", "NORMAL"], read[1].NewRegime.ToArray());
    }

    [Fact]
    public async Task Classifier_changes_beyond_their_series_are_refused_naming_the_row()
    {
        var volatility = ClassifierChangeIndex.FromDense("volatility", [.. Enumerable.Range(0, 30).Select(i => i < 25 ? "LOW" : "HIGH")]);

        var bytes = await Encode(s => ClassifierChangeParquet.WriteAsync([volatility], s, Cancel));

        var error = await Assert.ThrowsAsync<StoredDataException>(() => ClassifierChangeParquet.ReadAsync(
            new MemoryStream(bytes),
            "classifier_changes.parquet",
            [("volatility", Bac, 2)],
            Bars,
            Cancel));

        Assert.Contains("row 1: bar_idx 25 is outside BAC_5m's 20 bars", error.Message);
    }

    [Fact]
    public async Task Alignment_indices_of_several_primaries_round_trip_in_one_file()
    {
        var start = new DateTimeOffset(2013, 10, 4, 13, 30, 0, TimeSpan.Zero).ToUnixTimeMilliseconds();
        BarSeries Series(string name, int count, int step) => BarSeries.FromBars(
            SeriesId.Parse(name), [.. Enumerable.Range(0, count).Select(i => new Bar(start + (i * step * 60_000L), 10, 11, 9, 10, 1))]);
        var index = AlignmentIndex.Build(Series("SPY_1m", 60, 1), [Series("BAC_5m", 12, 5), Series("IBM_1m", 30, 2)]);
        var other = AlignmentIndex.Build(Series("QQQ_1m", 30, 1), [Series("BAC_5m", 12, 5)]);
        var bars = new Dictionary<SeriesId, int> { [Spy] = 60, [Bac] = 12, [Ibm] = 30, [SeriesId.Parse("QQQ_1m")] = 30 };

        var all = await AlignmentParquet.ReadAsync(
            new MemoryStream(await Encode(s => AlignmentParquet.WriteAsync([index, other], s, Cancel))), "cross_references/symbol_alignment.parquet", bars, Cancel);

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

        var shorter = new Dictionary<SeriesId, int>(bars) { [Ibm] = 10 };
        var bytes = await Encode(s => AlignmentParquet.WriteAsync([index, other], s, Cancel));
        var error = await Assert.ThrowsAsync<StoredDataException>(() => AlignmentParquet.ReadAsync(new MemoryStream(bytes), "symbol_alignment.parquet", shorter, Cancel));
        Assert.Contains("is outside IBM_1m's 10 bars", error.Message);
    }

    [Fact]
    public async Task A_truncated_index_file_is_refused_naming_the_file()
    {
        var index = MultiSeriesSignals();
        var bytes = await Encode(s => SignalIndexParquet.WriteAsync([index], s, Cancel));

        var error = await Assert.ThrowsAsync<StoredDataException>(() => SignalIndexParquet.ReadAsync(
            new MemoryStream(bytes[..^20]), "data/indices/abc/signals.parquet", [Layout(index)], Bars, cancellationToken: Cancel));

        Assert.Contains("data/indices/abc/signals.parquet", error.Message);
    }

    [Fact]
    public async Task An_index_file_whose_rows_break_the_rules_is_refused_naming_file_and_row()
    {
        var strategy = new DataField<string>("strategy", false);
        var barIdx = new DataField<int>("bar_idx");
        var value = new DataField<double>("value");
        var bytes = await Encode(s => ParquetTable.WriteAsync(
            s,
            new ParquetSchema(strategy, barIdx, value),
            SignalIndexParquet.Schema,
            new Dictionary<string, string> { ["signalreplay.referenced_series"] = "" },
            async rowGroup =>
            {
                await rowGroup.WriteAsync(strategy, new[] { "momentum", "momentum" });
                await rowGroup.WriteAsync<int>(barIdx, new[] { 5, 3 });
                await rowGroup.WriteAsync<double>(value, new[] { 1.0, -1.0 });
            },
            Cancel));

        var error = await Assert.ThrowsAsync<StoredDataException>(() => SignalIndexParquet.ReadAsync(
            new MemoryStream(bytes), "signals.parquet", [new PackedSignals("momentum", Spy, [], 2)], Bars, cancellationToken: Cancel));

        Assert.Contains("signals.parquet: holds data that breaks its rules", error.Message);
        Assert.Contains("row 1: bar_idx 3 is not after the previous row's 5", error.Message);
    }

    [Fact]
    public async Task A_bars_file_is_not_read_as_signals()
    {
        var bars = BarSeries.FromBars(Spy, [new Bar(0, 1, 1, 1, 1, 1)]);
        var bytes = await Encode(s => BarSeriesParquet.WriteAsync(bars, s, Cancel));

        var error = await Assert.ThrowsAsync<StoredDataException>(() => SignalIndexParquet.ReadAsync(new MemoryStream(bytes), "x.parquet", [], Bars, cancellationToken: Cancel));

        Assert.Contains("is not a 'signals' file", error.Message);
    }
}
