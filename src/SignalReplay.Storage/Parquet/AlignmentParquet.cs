using Parquet.Schema;
using SignalReplay.Core.Indices;

namespace SignalReplay.Storage.Parquet;

/// <summary>
/// <c>cross_references/symbol_alignment.parquet</c>: the sparse alignment rows in long form,
/// (series, primary_bar_idx, bar_idx), with the primary and the series order in the metadata.
/// </summary>
public static class AlignmentParquet
{
    public static readonly FileSchema Schema = new("symbol_alignment", 1);

    private const string PrimaryKey = "signalreplay.primary_series";
    private const string SeriesKey = "signalreplay.series";

    private static readonly DataField<string> Series = new("series", false);
    private static readonly DataField<int> PrimaryBarIdx = new("primary_bar_idx");
    private static readonly DataField<int> BarIdx = new("bar_idx");

    public static Task WriteAsync(AlignmentIndex index, Stream output, CancellationToken cancellationToken = default)
    {
        var ordinals = Enumerable.Range(0, index.Series.Count).ToArray();
        return ParquetTable.WriteAsync(
            output,
            new ParquetSchema(Series, PrimaryBarIdx, BarIdx),
            Schema,
            new Dictionary<string, string>
            {
                [PrimaryKey] = index.Primary.ToString(),
                [SeriesKey] = string.Join(',', index.Series),
            },
            async rowGroup =>
            {
                await rowGroup.WriteAsync(
                    Series, ordinals.SelectMany(o => Enumerable.Repeat(index.Series[o].ToString(), index.PrimaryBarIdx(o).Length)).ToArray());
                await rowGroup.WriteAsync<int>(
                    PrimaryBarIdx, ordinals.SelectMany(o => index.PrimaryBarIdx(o).ToArray()).ToArray(), cancellationToken: cancellationToken);
                await rowGroup.WriteAsync<int>(
                    BarIdx, ordinals.SelectMany(o => index.SeriesBarIdx(o).ToArray()).ToArray(), cancellationToken: cancellationToken);
            },
            cancellationToken);
    }

    public static Task<AlignmentIndex> ReadAsync(Stream input, string source, CancellationToken cancellationToken = default) =>
        ParquetTable.ReadAsync(input, source, Schema, async file =>
        {
            var parse = SignalIndexParquet.ParseSeries(source);
            var seriesText = file.RequireMetadata(SeriesKey);
            SeriesId[] series = seriesText.Length == 0 ? [] : [.. seriesText.Split(',').Select(parse)];
            var names = await file.ReadStringColumnAsync(file.RequireField(Series.Name));
            var at = await file.ReadColumnAsync<int>(file.RequireField(PrimaryBarIdx.Name));
            var bars = await file.ReadColumnAsync<int>(file.RequireField(BarIdx.Name));

            var unknown = names.FirstOrDefault(name => !series.Any(s => s.ToString() == name));
            if (unknown is not null)
            {
                throw new StoredDataException(source, $"has rows for series '{unknown}', which its metadata does not list.");
            }

            // Rows are grouped by series in metadata order; each group keeps its file order.
            var primaryColumns = series.Select(s => Rows(s.ToString(), at)).ToArray();
            var seriesColumns = series.Select(s => Rows(s.ToString(), bars)).ToArray();
            return new AlignmentIndex(parse(file.RequireMetadata(PrimaryKey)), series, primaryColumns, seriesColumns);

            int[] Rows(string name, int[] column) => [.. column.Where((_, row) => names[row] == name)];
        }, cancellationToken);
}
