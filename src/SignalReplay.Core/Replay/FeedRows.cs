namespace SignalReplay.Core.Replay;

/// <summary>
/// The sparse rows (bar_idx, value) of one feed, a strategy's signals or a classifier's changes, in bar
/// order. Rows may arrive in batches, as they do from streams, each batch promising how far the feed is
/// known (<see cref="Through"/>); the rows are kept once and shared by every portfolio that reads the feed,
/// each with its own <see cref="FeedCursor{T}"/>.
/// </summary>
public sealed class FeedRows<T>
{
    private int[] _barIdx;
    private T[] _values;

    public FeedRows()
    {
        _barIdx = new int[4];
        _values = new T[4];
    }

    private FeedRows(int[] barIdx, T[] values)
    {
        (_barIdx, _values, Count) = (barIdx, values, barIdx.Length);
        (Through, Complete) = (long.MaxValue, true);
    }

    public int Count { get; private set; }

    /// <summary>No later row counts a bar that ends at or before this time (<see cref="long.MaxValue"/> once complete).</summary>
    public long Through { get; private set; } = long.MinValue;

    /// <summary>Every row has arrived.</summary>
    public bool Complete { get; private set; }

    /// <summary>A feed whose rows are all known: the arrays are shared, not copied.</summary>
    public static FeedRows<T> Whole(int[] barIdx, T[] values) => barIdx.Length == values.Length
        ? new FeedRows<T>(barIdx, values)
        : throw new ArgumentException($"A feed needs one value per bar_idx ({barIdx.Length} bars, {values.Length} values).");

    public int BarAt(int row) => _barIdx[row];

    public T ValueAt(int row) => _values[row];

    /// <summary>Appends rows (ascending bar_idx, after every row before) and the feed's new promise.</summary>
    public void Append(ReadOnlySpan<int> barIdx, ReadOnlySpan<T> values, long through, bool complete)
    {
        if (Complete)
        {
            throw new InvalidOperationException("The feed is already complete; it takes no more rows.");
        }

        if (barIdx.Length != values.Length)
        {
            throw new ArgumentException($"A batch needs one value per bar_idx ({barIdx.Length} bars, {values.Length} values).");
        }

        if (Count + barIdx.Length > _barIdx.Length)
        {
            var capacity = Math.Max(_barIdx.Length * 2, Count + barIdx.Length);
            Array.Resize(ref _barIdx, capacity);
            Array.Resize(ref _values, capacity);
        }

        for (var i = 0; i < barIdx.Length; i++)
        {
            if (Count > 0 && barIdx[i] <= _barIdx[Count - 1])
            {
                throw new ArgumentException($"Feed rows must arrive in bar order: bar {barIdx[i]} follows bar {_barIdx[Count - 1]}.");
            }

            _barIdx[Count] = barIdx[i];
            _values[Count] = values[i];
            Count++;
        }

        Through = complete ? long.MaxValue : Math.Max(Through, through);
        Complete = complete;
    }
}

/// <summary>One reader's place in a <see cref="FeedRows{T}"/>: the next row to take, and the value it took last.</summary>
public struct FeedCursor<T>(T initial)
{
    private int _next;

    /// <summary>The last value taken (the initial one before any).</summary>
    public T Current { get; private set; } = initial;

    /// <summary>The bar of the next row (<see cref="int.MaxValue"/> when none has arrived).</summary>
    public readonly int Head(FeedRows<T> rows) => _next < rows.Count ? rows.BarAt(_next) : int.MaxValue;

    /// <summary>Takes the next row if it is at <paramref name="bar"/>: it becomes <see cref="Current"/>; <paramref name="previous"/> is the value it replaces.</summary>
    public bool TryTake(FeedRows<T> rows, int bar, out T previous)
    {
        previous = Current;
        if (Head(rows) != bar)
        {
            return false;
        }

        Current = rows.ValueAt(_next++);
        return true;
    }
}
