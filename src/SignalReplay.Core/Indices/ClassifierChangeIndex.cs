namespace SignalReplay.Core.Indices;

/// <summary>
/// The changes of one classifier's regime label: <c>(bar_idx, old_regime, new_regime)</c> rows,
/// the first a change from null. A regime lasting 1,000 bars is one row, not 1,000.
/// </summary>
public sealed class ClassifierChangeIndex
{
    private readonly int[] _barIdx;
    private readonly string?[] _oldRegime;
    private readonly string[] _newRegime;

    /// <summary>Takes ownership of the columns and checks every rule, naming the row that breaks one.</summary>
    public ClassifierChangeIndex(string classifier, int[] barIdx, string?[] oldRegime, string[] newRegime)
    {
        Classifier = classifier;
        _barIdx = barIdx;
        _oldRegime = oldRegime;
        _newRegime = newRegime;
        Validate();
        Regimes = [.. newRegime.Distinct().Order(StringComparer.Ordinal)];
    }

    public string Classifier { get; }

    public int Count => _barIdx.Length;

    public ReadOnlySpan<int> BarIdx => _barIdx;

    public ReadOnlySpan<string?> OldRegime => _oldRegime;

    public ReadOnlySpan<string> NewRegime => _newRegime;

    /// <summary>Every label the classifier took, in ordinal order.</summary>
    public IReadOnlyList<string> Regimes { get; }

    /// <summary>The regime at <paramref name="barIdx"/> (null before the first classification), by binary search.</summary>
    public string? RegimeAt(int barIdx)
    {
        var row = SortedColumn.LastAtOrBefore(_barIdx, barIdx);
        return row < 0 ? null : _newRegime[row];
    }

    public string?[] ToDense(int barCount)
    {
        var dense = new string?[barCount];
        for (var row = 0; row < Count && _barIdx[row] < barCount; row++)
        {
            var end = row + 1 < Count ? Math.Min(_barIdx[row + 1], barCount) : barCount;
            dense.AsSpan(_barIdx[row], end - _barIdx[row]).Fill(_newRegime[row]);
        }

        return dense;
    }

    public static ClassifierChangeIndex FromDense(string classifier, ReadOnlySpan<string?> dense)
    {
        var builder = new ClassifierChangeIndexBuilder(classifier);
        for (var bar = 0; bar < dense.Length; bar++)
        {
            builder.Record(bar, dense[bar]);
        }

        return builder.Build();
    }

    /// <summary>
    /// The bar ranges <c>[Start, End)</c> of a <paramref name="barCount"/>-bar series during which the
    /// regime is one of <paramref name="regimes"/>, adjacent ranges merged, in order.
    /// </summary>
    public IReadOnlyList<RegimeRange> RangesOf(IReadOnlySet<string> regimes, int barCount)
    {
        var ranges = new List<RegimeRange>();
        for (var row = 0; row < Count && _barIdx[row] < barCount; row++)
        {
            if (!regimes.Contains(_newRegime[row]))
            {
                continue;
            }

            var end = row + 1 < Count ? Math.Min(_barIdx[row + 1], barCount) : barCount;
            if (ranges.Count > 0 && ranges[^1].End == _barIdx[row])
            {
                ranges[^1] = ranges[^1] with { End = end };
            }
            else
            {
                ranges.Add(new RegimeRange(_barIdx[row], end));
            }
        }

        return ranges;
    }

    private void Validate()
    {
        if (_oldRegime.Length != _barIdx.Length || _newRegime.Length != _barIdx.Length)
        {
            throw new ArgumentException(
                $"Classifier change index '{Classifier}': columns differ in length (bar_idx {_barIdx.Length}, "
                + $"old_regime {_oldRegime.Length}, new_regime {_newRegime.Length}).");
        }

        for (var row = 0; row < _barIdx.Length; row++)
        {
            var expectedOld = row == 0 ? null : _newRegime[row - 1];
            var problem =
                _barIdx[row] < 0 ? $"bar_idx {_barIdx[row]} is negative"
                : row > 0 && _barIdx[row] <= _barIdx[row - 1] ? $"bar_idx {_barIdx[row]} is not after the previous row's {_barIdx[row - 1]}"
                : string.IsNullOrEmpty(_newRegime[row]) ? "new_regime is empty"
                : _oldRegime[row] != expectedOld ? $"old_regime '{_oldRegime[row]}' is not the previous row's new_regime '{expectedOld}'"
                : _newRegime[row] == _oldRegime[row] ? $"regime '{_newRegime[row]}' does not change"
                : null;
            if (problem is not null)
            {
                throw new ArgumentException($"Classifier change index '{Classifier}', row {row}: {problem}.");
            }
        }
    }
}

/// <summary>Bars <c>[Start, End)</c> of one series.</summary>
public readonly record struct RegimeRange(int Start, int End)
{
    public bool Contains(int barIdx) => barIdx >= Start && barIdx < End;
}

/// <summary>Tracks a classifier's label bar by bar and keeps only the changes.</summary>
public sealed class ClassifierChangeIndexBuilder(string classifier)
{
    private readonly List<int> _barIdx = [];
    private readonly List<string?> _old = [];
    private readonly List<string> _new = [];

    public string? Current { get; private set; }

    /// <summary>Records <paramref name="regime"/> at <paramref name="barIdx"/> if it changed; returns whether a row was stored.</summary>
    public bool Record(int barIdx, string? regime)
    {
        if (regime == Current)
        {
            return false;
        }

        if (regime is null)
        {
            throw new ArgumentException(
                $"Classifier '{classifier}' went from '{Current}' back to no regime at bar {barIdx}; once classified, a bar always has a regime.");
        }

        _barIdx.Add(barIdx);
        _old.Add(Current);
        _new.Add(regime);
        Current = regime;
        return true;
    }

    /// <summary>Changes recorded so far.</summary>
    public int Count => _barIdx.Count;

    /// <summary>The changes from <paramref name="from"/> on, as new arrays (full mode hands them on while generating).</summary>
    public (int[] BarIdx, string[] NewRegime) RowsFrom(int from) =>
        ([.. _barIdx.Skip(from)], [.. _new.Skip(from)]);

    public ClassifierChangeIndex Build() => new(classifier, [.. _barIdx], [.. _old], [.. _new]);
}
