using Parquet.Schema;
using SignalReplay.Core.Indices;

namespace SignalReplay.Storage.Parquet;

/// <summary>
/// <c>cross_references/symbol_alignment.parquet</c>: every alignment index of a signal set in long
/// form, (primary, series, primary_bar_idx, bar_idx), with each primary's series order in the metadata.
/// </summary>
public static class AlignmentParquet
{
    public static readonly FileSchema Schema = new("symbol_alignment", 1);

    private const string LayoutKey = "signalreplay.alignments";

    private static readonly DataField<string> Primary = new("primary", false);
    private static readonly DataField<string> Series = new("series", false);
    private static readonly DataField<int> PrimaryBarIdx = new("primary_bar_idx");
    private static readonly DataField<int> BarIdx = new("bar_idx");

    public static Task WriteAsync(IReadOnlyList<AlignmentIndex> alignments, Stream output, CancellationToken cancellationToken = default)
    {
        var rows = alignments.SelectMany(index => Enumerable.Range(0, index.Series.Count).SelectMany(ordinal =>
            Enumerable.Range(0, index.PrimaryBarIdx(ordinal).Length).Select(row =>
                (Primary: index.Primary.ToString(), Series: index.Series[ordinal].ToString(), At: index.PrimaryBarIdx(ordinal)[row], Bar: index.SeriesBarIdx(ordinal)[row]))))
            .ToList();
        return ParquetTable.WriteAsync(
            output,
            new ParquetSchema(Primary, Series, PrimaryBarIdx, BarIdx),
            Schema,
            new Dictionary<string, string>
            {
                // primary:series,series;primary:series -- keeps series order and series without rows.
                [LayoutKey] = string.Join(';', alignments.Select(index => $"{index.Primary}:{string.Join(',', index.Series)}")),
            },
            async rowGroup =>
            {
                await rowGroup.WriteAsync(Primary, rows.Select(r => r.Primary).ToArray());
                await rowGroup.WriteAsync(Series, rows.Select(r => r.Series).ToArray());
                await rowGroup.WriteAsync<int>(PrimaryBarIdx, rows.Select(r => r.At).ToArray(), cancellationToken: cancellationToken);
                await rowGroup.WriteAsync<int>(BarIdx, rows.Select(r => r.Bar).ToArray(), cancellationToken: cancellationToken);
            },
            cancellationToken);
    }

    /// <summary>Reads every alignment index; each bar_idx is checked against <paramref name="barCounts"/> (bars per series), naming the file row.</summary>
    public static Task<IReadOnlyList<AlignmentIndex>> ReadAsync(
        Stream input, string source, IReadOnlyDictionary<SeriesId, int> barCounts, CancellationToken cancellationToken = default) =>
        ParquetTable.ReadAsync<IReadOnlyList<AlignmentIndex>>(input, source, Schema, async file =>
        {
            var parse = SignalIndexParquet.ParseSeries(source);
            var layout = file.RequireMetadata(LayoutKey);
            var primaries = await file.ReadStringColumnAsync(file.RequireField(Primary.Name));
            var names = await file.ReadStringColumnAsync(file.RequireField(Series.Name));
            var at = await file.ReadColumnAsync<int>(file.RequireField(PrimaryBarIdx.Name));
            var bars = await file.ReadColumnAsync<int>(file.RequireField(BarIdx.Name));

            for (var row = 0; row < names.Length; row++)
            {
                SignalIndexParquet.Bar(source, row, at[row], parse(primaries[row]!), barCounts, allowNone: false);
                SignalIndexParquet.Bar(source, row, bars[row], parse(names[row]!), barCounts, allowNone: false);
            }

            var alignments = new List<AlignmentIndex>();
            foreach (var entry in layout.Length == 0 ? [] : layout.Split(';'))
            {
                var parts = entry.Split(':');
                if (parts.Length != 2)
                {
                    throw new StoredDataException(source, $"has a malformed {LayoutKey} entry '{entry}'.");
                }

                var primary = parts[0];
                SeriesId[] series = parts[1].Length == 0 ? [] : [.. parts[1].Split(',').Select(parse)];
                int[] Rows(string name, int[] column) => [.. column.Where((_, row) => primaries[row] == primary && names[row] == name)];
                alignments.Add(new AlignmentIndex(
                    parse(primary),
                    series,
                    [.. series.Select(s => Rows(s.ToString(), at))],
                    [.. series.Select(s => Rows(s.ToString(), bars))]));
            }

            var listed = alignments.SelectMany(a => a.Series.Select(s => (a.Primary.ToString(), s.ToString()))).ToHashSet();
            var stray = Enumerable.Range(0, names.Length).FirstOrDefault(row => !listed.Contains((primaries[row]!, names[row]!)), -1);
            if (stray >= 0)
            {
                throw new StoredDataException(source, $"has rows for {primaries[stray]} -> {names[stray]}, which its metadata does not list.");
            }

            return alignments;
        }, cancellationToken);
}
