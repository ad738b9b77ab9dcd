namespace SignalReplay.Core.Indices;

/// <summary>Binary search over the sorted bar_idx columns every index keeps.</summary>
internal static class SortedColumn
{
    /// <summary>The last row whose value is &lt;= <paramref name="barIdx"/>, or -1 when there is none.</summary>
    public static int LastAtOrBefore(ReadOnlySpan<int> sorted, int barIdx)
    {
        var found = sorted.BinarySearch(barIdx);
        return found >= 0 ? found : ~found - 1;
    }
}
