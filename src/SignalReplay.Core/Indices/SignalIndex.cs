namespace SignalReplay.Core.Indices;

/// <summary>
/// The changes of one strategy instance's target position: a row per bar where the target
/// changed, with that bar's index in the primary series and, for multi-series strategies, the
/// aligned bar of every referenced series. The target is 0 before the first row; the dense
/// per-bar target is the forward fill of the rows.
/// </summary>
public sealed class SignalIndex
{
    private readonly int[] _barIdx;
    private readonly double[] _value;
    private readonly int[][] _referencedBarIdx;

    /// <summary>Takes ownership of the columns and checks every rule, naming the row that breaks one.</summary>
    public SignalIndex(
        string strategyInstance,
        SeriesId primarySeries,
        IReadOnlyList<SeriesId> referencedSeries,
        int[] barIdx,
        double[] value,
        int[][] referencedBarIdx)
    {
        StrategyInstance = strategyInstance;
        PrimarySeries = primarySeries;
        ReferencedSeries = referencedSeries;
        _barIdx = barIdx;
        _value = value;
        _referencedBarIdx = referencedBarIdx;
        Validate();
    }

    public string StrategyInstance { get; }

    public SeriesId PrimarySeries { get; }

    public IReadOnlyList<SeriesId> ReferencedSeries { get; }

    public int Count => _barIdx.Length;

    /// <summary>Bar of the primary series at which each change happens, strictly increasing.</summary>
    public ReadOnlySpan<int> BarIdx => _barIdx;

    /// <summary>The target position from that bar on, in [-1, 1].</summary>
    public ReadOnlySpan<double> Value => _value;

    /// <summary>For each row, the bar of referenced series <paramref name="ordinal"/> the strategy saw (-1: none yet).</summary>
    public ReadOnlySpan<int> ReferencedBarIdx(int ordinal) => _referencedBarIdx[ordinal];

    /// <summary>The target at <paramref name="barIdx"/>, by binary search over the changes.</summary>
    public double ValueAt(int barIdx)
    {
        var row = SortedColumn.LastAtOrBefore(_barIdx, barIdx);
        return row < 0 ? 0 : _value[row];
    }

    /// <summary>The target at every bar of a series of <paramref name="barCount"/> bars.</summary>
    public double[] ToDense(int barCount)
    {
        if (Count > 0 && _barIdx[^1] >= barCount)
        {
            throw new ArgumentOutOfRangeException(
                nameof(barCount), $"Signal index '{StrategyInstance}' has a change at bar {_barIdx[^1]}, beyond {barCount} bars.");
        }

        var dense = new double[barCount];
        for (var row = 0; row < Count; row++)
        {
            var end = row + 1 < Count ? _barIdx[row + 1] : barCount;
            dense.AsSpan(_barIdx[row], end - _barIdx[row]).Fill(_value[row]);
        }

        return dense;
    }

    /// <summary>The changes of a dense per-bar target (0 before the first change).</summary>
    public static SignalIndex FromDense(string strategyInstance, SeriesId primarySeries, ReadOnlySpan<double> dense)
    {
        var builder = new SignalIndexBuilder(strategyInstance, primarySeries, []);
        for (var bar = 0; bar < dense.Length; bar++)
        {
            builder.Record(bar, dense[bar], []);
        }

        return builder.Build();
    }

    private void Validate()
    {
        if (_value.Length != _barIdx.Length || _referencedBarIdx.Length != ReferencedSeries.Count
            || _referencedBarIdx.Any(column => column.Length != _barIdx.Length))
        {
            throw new ArgumentException(
                $"Signal index '{StrategyInstance}': columns differ in length (bar_idx {_barIdx.Length}, value {_value.Length}, "
                + $"{_referencedBarIdx.Length} referenced columns for {ReferencedSeries.Count} referenced series).");
        }

        var previous = 0.0;
        for (var row = 0; row < _barIdx.Length; row++)
        {
            var problem =
                _barIdx[row] < 0 ? $"bar_idx {_barIdx[row]} is negative"
                : row > 0 && _barIdx[row] <= _barIdx[row - 1] ? $"bar_idx {_barIdx[row]} is not after the previous row's {_barIdx[row - 1]}"
                : !double.IsFinite(_value[row]) || Math.Abs(_value[row]) > 1 ? $"value {_value[row]} is outside [-1, 1]"
                : _value[row] == previous ? $"value {_value[row]} is no change from the row before (rows record changes only)"
                : ReferencedProblem(row);
            if (problem is not null)
            {
                throw new ArgumentException($"Signal index '{StrategyInstance}', row {row}: {problem}.");
            }

            previous = _value[row];
        }
    }

    private string? ReferencedProblem(int row)
    {
        for (var ordinal = 0; ordinal < _referencedBarIdx.Length; ordinal++)
        {
            var column = _referencedBarIdx[ordinal];
            if (column[row] < -1 || (row > 0 && column[row] < column[row - 1]))
            {
                return $"bar_idx {column[row]} of referenced series {ReferencedSeries[ordinal]} is below -1 or goes back in time";
            }
        }

        return null;
    }
}

/// <summary>Captures a strategy's targets bar by bar and keeps only the changes.</summary>
public sealed class SignalIndexBuilder(string strategyInstance, SeriesId primarySeries, IReadOnlyList<SeriesId> referencedSeries)
{
    private readonly List<int> _barIdx = [];
    private readonly List<double> _value = [];
    private readonly List<int>[] _referenced = [.. referencedSeries.Select(_ => new List<int>())];

    /// <summary>The target now: the last recorded change, or 0.</summary>
    public double Current { get; private set; }

    /// <summary>
    /// Records <paramref name="value"/> at <paramref name="barIdx"/> if it differs from the current
    /// target; -0.0 counts as 0. Returns whether a row was stored.
    /// </summary>
    public bool Record(int barIdx, double value, ReadOnlySpan<int> referencedBarIdx)
    {
        value += 0.0; // -0.0 + 0.0 is +0.0: one zero, so a sign flip of nothing is no signal
        if (value == Current)
        {
            return false;
        }

        if (referencedBarIdx.Length != _referenced.Length)
        {
            throw new ArgumentException(
                $"Signal index '{strategyInstance}': {referencedBarIdx.Length} referenced bars given for {_referenced.Length} referenced series.");
        }

        _barIdx.Add(barIdx);
        _value.Add(value);
        for (var ordinal = 0; ordinal < _referenced.Length; ordinal++)
        {
            _referenced[ordinal].Add(referencedBarIdx[ordinal]);
        }

        Current = value;
        return true;
    }

    /// <summary>Rows recorded so far.</summary>
    public int Count => _barIdx.Count;

    /// <summary>The rows from <paramref name="from"/> on, as new arrays (full mode hands them on while generating).</summary>
    public (int[] BarIdx, double[] Value) RowsFrom(int from) =>
        ([.. _barIdx.Skip(from)], [.. _value.Skip(from)]);

    public SignalIndex Build() => new(
        strategyInstance,
        primarySeries,
        referencedSeries,
        [.. _barIdx],
        [.. _value],
        [.. _referenced.Select(column => column.ToArray())]);
}
