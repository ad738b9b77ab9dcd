using System.Globalization;
using Parquet;
using Parquet.Schema;
using SignalReplay.Core.Data;
using SignalReplay.Core.Indices;
using SignalReplay.Core.Synthetic;
using SignalReplay.Storage.Parquet;

namespace SignalReplay.Benchmarks;

/// <summary>
/// Dense per-bar storage against sparse indices, for signals at ~5% density and for regimes that
/// last ~1,000 bars, on real and synthetic series. Counts bytes; nothing here is timed.
/// </summary>
internal static class StorageFootprint
{
    private const double TargetDensity = 0.05;

    public static async Task RunAsync(string[] csvFiles)
    {
        var rows = new List<string>();
        foreach (var path in csvFiles)
        {
            var series = CsvBarReader.Read(path, SeriesId.Parse(Path.GetFileNameWithoutExtension(path)));
            rows.Add(await SignalRowAsync($"{series.Id} (real, {Path.GetFileName(Path.GetDirectoryName(path))})", series));
        }

        var market = SyntheticMarket.Generate(SyntheticMarketOptions.Default);
        var synthetic = market.Series[0];
        rows.Add(await SignalRowAsync($"{synthetic.Id} (synthetic, seed 42, 252 days)", synthetic));
        rows.Add(await RegimeRowAsync($"{synthetic.Id} market regime (synthetic)", market));

        Console.WriteLine("| series | what | bars | changes | density | dense raw B | sparse raw B | raw ratio | dense Parquet B | sparse Parquet B | Parquet ratio |");
        Console.WriteLine("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
        rows.ForEach(Console.WriteLine);
    }

    /// <summary>
    /// A price-driven target: +1 while the close is above its close k bars ago, -1 below, with k
    /// the smallest lookback whose change density is at most 5%.
    /// </summary>
    private static async Task<string> SignalRowAsync(string name, BarSeries series)
    {
        var (lookback, dense) = Enumerable.Range(2, 2_000)
            .Select(k => (k, dense: RateOfChangeSign(series.Close, k)))
            .First(candidate => SignalIndex.FromDense("d", series.Id, candidate.dense).Count <= TargetDensity * series.Count);
        var index = SignalIndex.FromDense($"roc_sign(k={lookback})", series.Id, dense);

        var denseParquet = await DenseParquetBytesAsync(new DataField<double>("value"), dense);
        using var sparse = new MemoryStream();
        await SignalIndexParquet.WriteAsync([index], sparse);
        return Row(name, $"signal, k={lookback}", series.Count, index.Count, series.Count * sizeof(double),
            index.Count * (sizeof(int) + sizeof(double)), denseParquet, sparse.Length);
    }

    private static async Task<string> RegimeRowAsync(string name, SyntheticMarketResult market)
    {
        var labels = market.Regimes.Select(regime => (string?)regime.ToString()).ToArray();
        var index = ClassifierChangeIndex.FromDense("market_regime", labels);

        // Dense at its most compact: one byte code per bar.
        var codes = market.Regimes.Select(regime => (int)regime).ToArray();
        var denseParquet = await DenseParquetBytesAsync(new DataField<int>("regime"), codes);
        using var sparse = new MemoryStream();
        await ClassifierChangeParquet.WriteAsync([index], sparse);
        var meanRun = labels.Length / (double)index.Count;
        return Row(name, $"regime, mean run {meanRun:F0} bars", labels.Length, index.Count, labels.Length * sizeof(byte),
            index.Count * (sizeof(int) + 2 * sizeof(byte)), denseParquet, sparse.Length);
    }

    private static double[] RateOfChangeSign(ReadOnlySpan<double> close, int lookback)
    {
        var dense = new double[close.Length];
        for (var bar = lookback; bar < close.Length; bar++)
        {
            dense[bar] = close[bar] > close[bar - lookback] ? 1 : close[bar] < close[bar - lookback] ? -1 : dense[bar - 1];
        }

        return dense;
    }

    private static async Task<long> DenseParquetBytesAsync<T>(DataField<T> field, T[] values)
        where T : struct
    {
        using var buffer = new MemoryStream();
        await ParquetTable.WriteAsync(
            buffer,
            new ParquetSchema(field),
            new FileSchema("dense_for_comparison", 1),
            new Dictionary<string, string>(),
            rowGroup => rowGroup.WriteAsync<T>(field, values),
            CancellationToken.None);
        return buffer.Length;
    }

    private static string Row(string name, string what, int bars, int changes, long denseRaw, long sparseRaw, long denseParquet, long sparseParquet) =>
        string.Create(CultureInfo.InvariantCulture,
            $"| {name} | {what} | {bars:N0} | {changes:N0} | {100.0 * changes / bars:F2}% | {denseRaw:N0} | {sparseRaw:N0} | {(double)denseRaw / sparseRaw:F1}x | {denseParquet:N0} | {sparseParquet:N0} | {(double)denseParquet / sparseParquet:F1}x |");
}
