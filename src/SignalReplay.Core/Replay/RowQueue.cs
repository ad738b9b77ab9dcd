namespace SignalReplay.Core.Replay;

/// <summary>
/// Sparse rows (bar_idx, value) on their way into a portfolio: a strategy's signals or a classifier's
/// changes. They arrive in batches, in bar order, and are taken at their bar. The queue keeps the last
/// value taken, so a signal knows the target it replaces.
/// </summary>
public sealed class RowQueue<T>(T initial)
{
    private readonly Queue<(int BarIdx, T Value)> _rows = new();

    /// <summary>The last value taken (the initial one before any).</summary>
    public T Current { get; private set; } = initial;

    /// <summary>The bar of the next row (<see cref="int.MaxValue"/> when none is queued).</summary>
    public int Head => _rows.TryPeek(out var row) ? row.BarIdx : int.MaxValue;

    /// <summary>Queues rows (ascending bar_idx, after any queued before).</summary>
    public void Add(ReadOnlySpan<int> barIdx, ReadOnlySpan<T> values)
    {
        for (var i = 0; i < barIdx.Length; i++)
        {
            _rows.Enqueue((barIdx[i], values[i]));
        }
    }

    /// <summary>Takes the next row if it is at <paramref name="bar"/>: it becomes <see cref="Current"/>; <paramref name="previous"/> is the value it replaces.</summary>
    public bool TryTake(int bar, out T previous)
    {
        previous = Current;
        if (Head != bar)
        {
            return false;
        }

        Current = _rows.Dequeue().Value;
        return true;
    }
}
