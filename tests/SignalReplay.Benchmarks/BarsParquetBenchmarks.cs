using BenchmarkDotNet.Attributes;
using SignalReplay.Core.Data;
using SignalReplay.Storage.Parquet;

namespace SignalReplay.Benchmarks;

/// <summary>Base-data Parquet write and read for one year of 1-minute bars (~98k rows).</summary>
[MemoryDiagnoser]
public class BarsParquetBenchmarks
{
    private BarSeries _series = null!;
    private byte[] _encoded = [];

    [GlobalSetup]
    public async Task SetupAsync()
    {
        var bars = new List<Bar>();
        var time = new DateTimeOffset(2024, 1, 2, 13, 30, 0, TimeSpan.Zero).ToUnixTimeMilliseconds();
        var price = 100.0;
        for (var i = 0; i < 252 * 390; i++)
        {
            var next = price * (1 + (Math.Sin(i * 0.37) * 0.001));
            bars.Add(new Bar(time + (i * 60_000L), price, Math.Max(price, next) + 0.01, Math.Min(price, next) - 0.01, next, 100 + (i % 50)));
            price = next;
        }

        _series = BarSeries.FromBars(SeriesId.Parse("SYN_1m"), bars);
        _encoded = await WriteAsync();
    }

    [Benchmark]
    public async Task<byte[]> WriteAsync()
    {
        using var buffer = new MemoryStream();
        await BarSeriesParquet.WriteAsync(_series, buffer);
        return buffer.ToArray();
    }

    [Benchmark]
    public Task<BarSeries> ReadAsync() => BarSeriesParquet.ReadAsync(new MemoryStream(_encoded), "SYN_1m.parquet");
}
