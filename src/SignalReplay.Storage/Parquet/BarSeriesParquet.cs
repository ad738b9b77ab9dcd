using Parquet.Schema;

namespace SignalReplay.Storage.Parquet;

/// <summary>Base data: one series' bars as <c>ts, open, high, low, close, volume</c>.</summary>
public static class BarSeriesParquet
{
    public static readonly FileSchema Schema = new("bars", 1);

    private const string SeriesKey = "signalreplay.series";

    private static readonly DateTimeDataField Ts = new("ts", DateTimeFormat.Timestamp, isAdjustedToUTC: true, unit: DateTimeTimeUnit.Millis);
    private static readonly DataField<double> Open = new("open");
    private static readonly DataField<double> High = new("high");
    private static readonly DataField<double> Low = new("low");
    private static readonly DataField<double> Close = new("close");
    private static readonly DataField<double> Volume = new("volume");

    public static Task WriteAsync(BarSeries series, Stream output, CancellationToken cancellationToken = default)
    {
        var times = new DateTime[series.Count];
        for (var i = 0; i < times.Length; i++)
        {
            times[i] = DateTime.UnixEpoch.AddMilliseconds(series.Time[i]);
        }

        return ParquetTable.WriteAsync(
            output,
            new ParquetSchema(Ts, Open, High, Low, Close, Volume),
            Schema,
            new Dictionary<string, string> { [SeriesKey] = series.Id.ToString() },
            async rowGroup =>
            {
                await rowGroup.WriteAsync<DateTime>(Ts, times, cancellationToken: cancellationToken);
                await rowGroup.WriteAsync<double>(Open, series.Open.ToArray(), cancellationToken: cancellationToken);
                await rowGroup.WriteAsync<double>(High, series.High.ToArray(), cancellationToken: cancellationToken);
                await rowGroup.WriteAsync<double>(Low, series.Low.ToArray(), cancellationToken: cancellationToken);
                await rowGroup.WriteAsync<double>(Close, series.Close.ToArray(), cancellationToken: cancellationToken);
                await rowGroup.WriteAsync<double>(Volume, series.Volume.ToArray(), cancellationToken: cancellationToken);
            },
            cancellationToken);
    }

    /// <summary>Reads a bars file; <paramref name="source"/> names it in errors.</summary>
    public static Task<BarSeries> ReadAsync(Stream input, string source, CancellationToken cancellationToken = default) =>
        ParquetTable.ReadAsync(input, source, Schema, async file =>
        {
            var seriesText = file.RequireMetadata(SeriesKey);
            SeriesId id;
            try
            {
                id = SeriesId.Parse(seriesText);
            }
            catch (FormatException error)
            {
                throw new StoredDataException(source, error.Message, error);
            }

            var times = await file.ReadColumnAsync<DateTime>(file.RequireField(Ts.Name));
            var time = new long[times.Length];
            for (var i = 0; i < time.Length; i++)
            {
                time[i] = (long)(times[i] - DateTime.UnixEpoch).TotalMilliseconds;
            }

            return new BarSeries(
                id,
                time,
                await file.ReadColumnAsync<double>(file.RequireField(Open.Name)),
                await file.ReadColumnAsync<double>(file.RequireField(High.Name)),
                await file.ReadColumnAsync<double>(file.RequireField(Low.Name)),
                await file.ReadColumnAsync<double>(file.RequireField(Close.Name)),
                await file.ReadColumnAsync<double>(file.RequireField(Volume.Name)));
        }, cancellationToken);
}
