using Parquet.Schema;
using SignalReplay.Core.Indices;

namespace SignalReplay.Storage.Parquet;

/// <summary><c>signals/{strategy_instance}.parquet</c>: bar_idx, value, and bar_idx_{SERIES} per referenced series.</summary>
public static class SignalIndexParquet
{
    public static readonly FileSchema Schema = new("signals", 1);

    private const string InstanceKey = "signalreplay.strategy_instance";
    private const string PrimaryKey = "signalreplay.primary_series";
    private const string ReferencedKey = "signalreplay.referenced_series";

    private static readonly DataField<int> BarIdx = new("bar_idx");
    private static readonly DataField<double> Value = new("value");

    public static Task WriteAsync(SignalIndex index, Stream output, CancellationToken cancellationToken = default)
    {
        var referenced = index.ReferencedSeries.Select(ReferencedField).ToArray();
        return ParquetTable.WriteAsync(
            output,
            new ParquetSchema([BarIdx, Value, .. referenced]),
            Schema,
            new Dictionary<string, string>
            {
                [InstanceKey] = index.StrategyInstance,
                [PrimaryKey] = index.PrimarySeries.ToString(),
                [ReferencedKey] = string.Join(',', index.ReferencedSeries),
            },
            async rowGroup =>
            {
                await rowGroup.WriteAsync<int>(BarIdx, index.BarIdx.ToArray(), cancellationToken: cancellationToken);
                await rowGroup.WriteAsync<double>(Value, index.Value.ToArray(), cancellationToken: cancellationToken);
                for (var ordinal = 0; ordinal < referenced.Length; ordinal++)
                {
                    await rowGroup.WriteAsync<int>(referenced[ordinal], index.ReferencedBarIdx(ordinal).ToArray(), cancellationToken: cancellationToken);
                }
            },
            cancellationToken);
    }

    public static Task<SignalIndex> ReadAsync(Stream input, string source, CancellationToken cancellationToken = default) =>
        ParquetTable.ReadAsync(input, source, Schema, async file =>
        {
            var referencedText = file.RequireMetadata(ReferencedKey);
            var referenced = referencedText.Length == 0 ? [] : referencedText.Split(',').Select(ParseSeries(source)).ToArray();
            var columns = new int[referenced.Length][];
            for (var ordinal = 0; ordinal < referenced.Length; ordinal++)
            {
                columns[ordinal] = await file.ReadColumnAsync<int>(file.RequireField(ReferencedField(referenced[ordinal]).Name));
            }

            return new SignalIndex(
                file.RequireMetadata(InstanceKey),
                ParseSeries(source)(file.RequireMetadata(PrimaryKey)),
                referenced,
                await file.ReadColumnAsync<int>(file.RequireField(BarIdx.Name)),
                await file.ReadColumnAsync<double>(file.RequireField(Value.Name)),
                columns);
        }, cancellationToken);

    private static DataField<int> ReferencedField(SeriesId series) => new($"bar_idx_{series}");

    internal static Func<string, SeriesId> ParseSeries(string source) => text =>
    {
        try
        {
            return SeriesId.Parse(text);
        }
        catch (FormatException error)
        {
            throw new StoredDataException(source, error.Message, error);
        }
    };
}
