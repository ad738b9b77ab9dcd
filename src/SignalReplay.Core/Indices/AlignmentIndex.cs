namespace SignalReplay.Core.Indices;

/// <summary>
/// Which bar of each other series a primary-series bar saw (SPEC 4): at the primary bar's end time,
/// the latest bar of the other series that had ended by then, or -1. Stored sparsely: per series,
/// only the primary bars at which that answer changes.
/// </summary>
public sealed class AlignmentIndex
{
    private readonly int[][] _primaryBarIdx;
    private readonly int[][] _seriesBarIdx;

    /// <summary>Takes ownership of the sparse columns and checks them, naming the series and row that break a rule.</summary>
    public AlignmentIndex(SeriesId primary, IReadOnlyList<SeriesId> series, int[][] primaryBarIdx, int[][] seriesBarIdx)
    {
        Primary = primary;
        Series = series;
        _primaryBarIdx = primaryBarIdx;
        _seriesBarIdx = seriesBarIdx;
        Validate();
    }

    public SeriesId Primary { get; }

    /// <summary>The aligned series, in ordinal order.</summary>
    public IReadOnlyList<SeriesId> Series { get; }

    /// <summary>Primary bars at which series <paramref name="ordinal"/>'s aligned bar changes.</summary>
    public ReadOnlySpan<int> PrimaryBarIdx(int ordinal) => _primaryBarIdx[ordinal];

    /// <summary>The aligned bar of series <paramref name="ordinal"/> from that primary bar on.</summary>
    public ReadOnlySpan<int> SeriesBarIdx(int ordinal) => _seriesBarIdx[ordinal];

    /// <summary>Rows stored over all series.</summary>
    public int RowCount => _primaryBarIdx.Sum(column => column.Length);

    /// <summary>The bar of series <paramref name="ordinal"/> visible at the end of primary bar <paramref name="primaryBarIdx"/> (-1: none yet).</summary>
    public int BarIdxAt(int ordinal, int primaryBarIdx)
    {
        var row = SortedColumn.LastAtOrBefore(_primaryBarIdx[ordinal], primaryBarIdx);
        return row < 0 ? -1 : _seriesBarIdx[ordinal][row];
    }

    /// <summary>Aligns <paramref name="others"/> on <paramref name="primary"/> by one merge walk per series.</summary>
    public static AlignmentIndex Build(BarSeries primary, IReadOnlyList<BarSeries> others)
    {
        var primaryColumns = new int[others.Count][];
        var seriesColumns = new int[others.Count][];
        for (var ordinal = 0; ordinal < others.Count; ordinal++)
        {
            var other = others[ordinal];
            var at = new List<int>();
            var bars = new List<int>();
            var seen = -1;
            for (var bar = 0; bar < primary.Count; bar++)
            {
                var now = primary.EndTime(bar);
                while (seen + 1 < other.Count && other.EndTime(seen + 1) <= now)
                {
                    seen++;
                }

                if (seen >= 0 && (bars.Count == 0 || bars[^1] != seen))
                {
                    at.Add(bar);
                    bars.Add(seen);
                }
            }

            primaryColumns[ordinal] = [.. at];
            seriesColumns[ordinal] = [.. bars];
        }

        return new AlignmentIndex(primary.Id, [.. others.Select(other => other.Id)], primaryColumns, seriesColumns);
    }

    private void Validate()
    {
        if (_primaryBarIdx.Length != Series.Count || _seriesBarIdx.Length != Series.Count)
        {
            throw new ArgumentException($"Alignment index on {Primary}: {Series.Count} series but {_primaryBarIdx.Length} and {_seriesBarIdx.Length} columns.");
        }

        for (var ordinal = 0; ordinal < Series.Count; ordinal++)
        {
            var at = _primaryBarIdx[ordinal];
            var bars = _seriesBarIdx[ordinal];
            if (at.Length != bars.Length)
            {
                throw new ArgumentException($"Alignment index on {Primary}, series {Series[ordinal]}: columns differ in length ({at.Length} and {bars.Length}).");
            }

            for (var row = 0; row < at.Length; row++)
            {
                var problem =
                    at[row] < 0 || bars[row] < 0 ? "bar indices must not be negative"
                    : row > 0 && at[row] <= at[row - 1] ? $"primary bar_idx {at[row]} is not after the previous row's {at[row - 1]}"
                    : row > 0 && bars[row] <= bars[row - 1] ? $"bar_idx {bars[row]} is not after the previous row's {bars[row - 1]}"
                    : null;
                if (problem is not null)
                {
                    throw new ArgumentException($"Alignment index on {Primary}, series {Series[ordinal]}, row {row}: {problem}.");
                }
            }
        }
    }
}
