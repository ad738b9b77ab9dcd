using SignalReplay.Core.Generation;

namespace SignalReplay.Core.Replay;

/// <summary>
/// Walks complete, shared series in end-time slices without copying a bar: the same slices a
/// <see cref="TimeAlignmentBuffer"/> releases for the same series (ties in series order), for replay,
/// where every portfolio on a silo walks the silo's one copy of the base data.
/// </summary>
public sealed class SliceWalker(IReadOnlyList<BarSeries> series)
{
    private readonly int[] _next = new int[series.Count];
    private readonly List<SliceBar> _slice = [];

    /// <summary>The end time of the next slice, or <see cref="long.MaxValue"/> when every series is done.</summary>
    public long NextEnd
    {
        get
        {
            var end = long.MaxValue;
            for (var s = 0; s < series.Count; s++)
            {
                if (_next[s] < series[s].Count)
                {
                    end = Math.Min(end, series[s].EndTime(_next[s]));
                }
            }

            return end;
        }
    }

    /// <summary>The bars of the next slice (the list is reused by the next call); false when done.</summary>
    public bool TryNext(out long endTime, out IReadOnlyList<SliceBar> bars) => TryNext(long.MaxValue, out endTime, out bars);

    /// <summary>The next slice if it ends at or before <paramref name="through"/>; false when it does not or when done.</summary>
    public bool TryNext(long through, out long endTime, out IReadOnlyList<SliceBar> bars)
    {
        endTime = NextEnd;
        bars = _slice;
        if (endTime == long.MaxValue || endTime > through)
        {
            return false;
        }

        _slice.Clear();
        for (var s = 0; s < series.Count; s++)
        {
            if (_next[s] < series[s].Count && series[s].EndTime(_next[s]) == endTime)
            {
                _slice.Add(new SliceBar(s, series[s][_next[s]], _next[s]));
                _next[s]++;
            }
        }

        return true;
    }
}
