using Parquet.Schema;
using SignalReplay.Core.Indices;

namespace SignalReplay.Storage.Parquet;

/// <summary>
/// <c>signals.parquet</c>: every strategy instance of a signal set in one file (SPEC 5, packed), sorted by
/// <c>strategy</c> then <c>bar_idx</c>, with <c>value</c> and one nullable <c>bar_idx_{SERIES}</c> column per
/// series some multi-series instance references (null for instances that do not). Row groups hold at most
/// <see cref="RowGroupRows"/> rows, so a reader decodes only the groups of the instances it wants.
/// </summary>
public static class SignalIndexParquet
{
    public static readonly FileSchema Schema = new("signals", 2);

    /// <summary>Rows per row group: small enough for selective reads, large enough to compress well.</summary>
    public const int RowGroupRows = 65_536;

    private const string ReferencedKey = "signalreplay.referenced_series";

    private static readonly DataField<string> Strategy = new("strategy", false);
    private static readonly DataField<int> BarIdx = new("bar_idx");
    private static readonly DataField<double> Value = new("value");

    /// <summary>Writes <paramref name="indices"/>, which must come sorted by instance id, into one file.</summary>
    public static Task WriteAsync(IReadOnlyList<SignalIndex> indices, Stream output, CancellationToken cancellationToken = default)
    {
        for (var i = 1; i < indices.Count; i++)
        {
            if (string.CompareOrdinal(indices[i - 1].StrategyInstance, indices[i].StrategyInstance) >= 0)
            {
                throw new ArgumentException($"Signal indices must be given sorted by strategy instance, once each: '{indices[i].StrategyInstance}' follows '{indices[i - 1].StrategyInstance}'.");
            }
        }

        var referenced = indices.SelectMany(index => index.ReferencedSeries).Distinct().OrderBy(s => s.ToString(), StringComparer.Ordinal).ToArray();
        var fields = referenced.Select(ReferencedField).ToArray();
        // ordinals[i][c]: which referenced series of index i column c is (-1: not one of its).
        var ordinals = indices.Select(index => referenced.Select(series => index.ReferencedSeries.ToList().IndexOf(series)).ToArray()).ToArray();
        var rows = new List<(int Index, int Row)>(indices.Sum(index => index.Count));
        for (var i = 0; i < indices.Count; i++)
        {
            for (var row = 0; row < indices[i].Count; row++)
            {
                rows.Add((i, row));
            }
        }

        return ParquetTable.WriteRowGroupsAsync(
            output,
            new ParquetSchema([Strategy, BarIdx, Value, .. fields]),
            Schema,
            new Dictionary<string, string> { [ReferencedKey] = string.Join(',', referenced) },
            rows.Count,
            RowGroupRows,
            async (rowGroup, range) =>
            {
                var (offset, length) = range.GetOffsetAndLength(rows.Count);
                var group = rows.GetRange(offset, length);
                await rowGroup.WriteAsync(Strategy, group.Select(r => indices[r.Index].StrategyInstance).ToArray());
                await rowGroup.WriteAsync<int>(BarIdx, group.Select(r => indices[r.Index].BarIdx[r.Row]).ToArray(), cancellationToken: cancellationToken);
                await rowGroup.WriteAsync<double>(Value, group.Select(r => indices[r.Index].Value[r.Row]).ToArray(), cancellationToken: cancellationToken);
                for (var c = 0; c < referenced.Length; c++)
                {
                    var column = group.Select(r => ordinals[r.Index][c] is var ordinal and >= 0
                        ? indices[r.Index].ReferencedBarIdx(ordinal)[r.Row]
                        : (int?)null).ToArray();
                    await rowGroup.WriteAsync<int>(fields[c], column, cancellationToken: cancellationToken);
                }
            },
            cancellationToken);
    }

    /// <summary>
    /// Reads the instances of <paramref name="layout"/> (the manifest's, in file order) that <paramref name="wanted"/>
    /// names (all when null), decoding only their row groups. Rows are checked against the layout (strategy and
    /// count) and every bar_idx against <paramref name="bars"/> (bars per series): a breach names the file and row.
    /// </summary>
    public static Task<IReadOnlyList<SignalIndex>> ReadAsync(
        Stream input,
        string source,
        IReadOnlyList<PackedSignals> layout,
        IReadOnlyDictionary<SeriesId, int> bars,
        IReadOnlySet<string>? wanted = null,
        CancellationToken cancellationToken = default) =>
        ParquetTable.ReadAsync<IReadOnlyList<SignalIndex>>(input, source, Schema, async file =>
        {
            var expectedRows = layout.Sum(entry => (long)entry.Rows);
            if (file.RowCount != expectedRows)
            {
                throw new StoredDataException(source, $"holds {file.RowCount} rows; its manifest counts {expectedRows}.");
            }

            var referencedText = file.RequireMetadata(ReferencedKey);
            var referenced = referencedText.Length == 0 ? [] : referencedText.Split(',').Select(ParseSeries(source)).ToArray();
            foreach (var missing in layout.SelectMany(entry => entry.Referenced).Where(s => !referenced.Contains(s)).Distinct())
            {
                throw new StoredDataException(source, $"has no bar_idx_{missing} column, which its manifest needs.");
            }

            var groupStarts = new List<long> { 0 };
            foreach (var rows in file.RowGroupRows)
            {
                groupStarts.Add(groupStarts[^1] + rows);
            }

            var result = new List<SignalIndex>();
            var cache = new GroupCache(file, referenced);
            long start = 0;
            foreach (var entry in layout)
            {
                var first = start;
                start += entry.Rows;
                if (wanted is not null && !wanted.Contains(entry.StrategyInstance))
                {
                    continue;
                }

                var barIdx = new int[entry.Rows];
                var value = new double[entry.Rows];
                var columns = entry.Referenced.Select(_ => new int[entry.Rows]).ToArray();
                for (var row = 0; row < entry.Rows; row++)
                {
                    var at = first + row;
                    var found = groupStarts.BinarySearch(at);
                    var group = found >= 0 ? found : ~found - 1;
                    var rows = await cache.GetAsync(group);
                    var local = (int)(at - groupStarts[group]);
                    if (rows.Strategy[local] != entry.StrategyInstance)
                    {
                        throw new StoredDataException(source, $"row {at}: strategy '{rows.Strategy[local]}' where its manifest puts '{entry.StrategyInstance}'.");
                    }

                    barIdx[row] = Bar(source, at, rows.BarIdx[local], entry.Primary, bars, allowNone: false);
                    value[row] = rows.Value[local];
                    for (var r = 0; r < entry.Referenced.Count; r++)
                    {
                        var series = entry.Referenced[r];
                        var cell = rows.Referenced[Array.IndexOf(referenced, series)][local]
                            ?? throw new StoredDataException(source, $"row {at}: bar_idx_{series} is null for '{entry.StrategyInstance}', which references {series}.");
                        columns[r][row] = Bar(source, at, cell, series, bars, allowNone: true);
                    }
                }

                result.Add(new SignalIndex(entry.StrategyInstance, entry.Primary, entry.Referenced, barIdx, value, columns));
            }

            return result;
        }, cancellationToken);

    /// <summary>A bar_idx from row <paramref name="row"/>, refused unless it lies in <paramref name="series"/> (or is -1, "none yet", where allowed).</summary>
    internal static int Bar(string source, long row, int barIdx, SeriesId series, IReadOnlyDictionary<SeriesId, int> bars, bool allowNone)
    {
        if (!bars.TryGetValue(series, out var count))
        {
            throw new StoredDataException(source, $"row {row}: counts bars of {series}, which the signal set does not hold.");
        }

        return barIdx < count && (barIdx >= 0 || (allowNone && barIdx == -1))
            ? barIdx
            : throw new StoredDataException(source, $"row {row}: bar_idx {barIdx} is outside {series}'s {count} bars.");
    }

    private static DataField<int?> ReferencedField(SeriesId series) => new($"bar_idx_{series}");

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

    /// <summary>The decoded columns of the row group read last: instances are contiguous, so each group is decoded once.</summary>
    private sealed class GroupCache(ParquetFileReader file, SeriesId[] referenced)
    {
        private int _group = -1;
        private Rows? _rows;

        public async Task<Rows> GetAsync(int group)
        {
            if (group != _group)
            {
                var columns = new int?[referenced.Length][];
                for (var c = 0; c < referenced.Length; c++)
                {
                    columns[c] = await file.ReadNullableColumnAsync<int>(file.RequireField(ReferencedField(referenced[c]).Name), group);
                }

                _rows = new Rows(
                    await file.ReadStringColumnAsync(file.RequireField(Strategy.Name), group),
                    await file.ReadColumnAsync<int>(file.RequireField(BarIdx.Name), group),
                    await file.ReadColumnAsync<double>(file.RequireField(Value.Name), group),
                    columns);
                _group = group;
            }

            return _rows!;
        }
    }

    private sealed record Rows(string?[] Strategy, int[] BarIdx, double[] Value, int?[][] Referenced);
}

/// <summary>One strategy instance's place in a packed signals file: its rows come in file order, in this many.</summary>
public sealed record PackedSignals(string StrategyInstance, SeriesId Primary, IReadOnlyList<SeriesId> Referenced, int Rows);
