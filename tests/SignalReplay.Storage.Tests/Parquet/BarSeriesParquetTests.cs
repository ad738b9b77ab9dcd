using Parquet.Schema;
using SignalReplay.Storage.Parquet;

namespace SignalReplay.Storage.Tests.Parquet;

public sealed class BarSeriesParquetTests
{
    private static readonly SeriesId Spy = SeriesId.Parse("SPY_1m");

    private static BarSeries Sample(int count = 1_000)
    {
        var bars = new List<Bar>(count);
        var start = new DateTimeOffset(2024, 3, 1, 13, 30, 0, TimeSpan.Zero).ToUnixTimeMilliseconds();
        for (var i = 0; i < count; i++)
        {
            var close = 100 + Math.Sin(i / 10.0) + (i * 0.001);
            bars.Add(new Bar(start + (i * 60_000L), close - 0.05, close + 0.1, close - 0.1, close, 1_000 + i));
        }

        return BarSeries.FromBars(Spy, bars);
    }

    private static async Task<byte[]> WriteAsync(BarSeries series)
    {
        using var buffer = new MemoryStream();
        await BarSeriesParquet.WriteAsync(series, buffer, TestContext.Current.CancellationToken);
        return buffer.ToArray();
    }

    [Fact]
    public async Task Bars_round_trip_bit_for_bit()
    {
        var series = Sample();

        var read = await BarSeriesParquet.ReadAsync(new MemoryStream(await WriteAsync(series)), "SPY_1m.parquet", TestContext.Current.CancellationToken);

        Assert.Equal(Spy, read.Id);
        Assert.Equal(series.ContentHash(), read.ContentHash());
    }

    [Fact]
    public async Task The_same_bars_encode_to_the_same_bytes()
    {
        Assert.Equal(await WriteAsync(Sample()), await WriteAsync(Sample()));
    }

    [Fact]
    public async Task A_truncated_file_is_refused_naming_the_file()
    {
        var bytes = await WriteAsync(Sample());

        var error = await Assert.ThrowsAsync<StoredDataException>(() =>
            BarSeriesParquet.ReadAsync(new MemoryStream(bytes[..(bytes.Length / 2)]), "data/base/demo/SPY_1m.parquet", TestContext.Current.CancellationToken));

        Assert.Contains("data/base/demo/SPY_1m.parquet", error.Message);
    }

    [Fact]
    public async Task A_file_of_another_schema_is_refused()
    {
        using var file = await OneColumnFileAsync(new FileSchema("signals", 1));

        var error = await Assert.ThrowsAsync<StoredDataException>(() =>
            BarSeriesParquet.ReadAsync(file, "x.parquet", TestContext.Current.CancellationToken));

        Assert.Contains("is not a 'bars' file", error.Message);
    }

    [Fact]
    public async Task A_newer_schema_version_is_refused_with_the_versions_this_build_reads()
    {
        using var file = await OneColumnFileAsync(BarSeriesParquet.Schema with { Version = BarSeriesParquet.Schema.Version + 1 });

        var error = await Assert.ThrowsAsync<StoredDataException>(() =>
            BarSeriesParquet.ReadAsync(file, "x.parquet", TestContext.Current.CancellationToken));

        Assert.Contains("schema version '2'", error.Message);
    }

    /// <summary>A valid Parquet file stamped with <paramref name="schema"/>, holding one int column.</summary>
    private static async Task<MemoryStream> OneColumnFileAsync(FileSchema schema)
    {
        var buffer = new MemoryStream();
        var field = new DataField<int>("bar_idx");
        await ParquetTable.WriteAsync(
            buffer,
            new ParquetSchema(field),
            schema,
            new Dictionary<string, string>(),
            rowGroup => rowGroup.WriteAsync<int>(field, new[] { 1, 2, 3 }),
            TestContext.Current.CancellationToken);
        buffer.Position = 0;
        return buffer;
    }
}
