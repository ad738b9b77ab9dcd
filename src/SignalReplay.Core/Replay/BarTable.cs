using System.Collections.Concurrent;
using SignalReplay.Core.Features;

namespace SignalReplay.Core.Replay;

/// <summary>
/// Read-only structures over one series' bars, built once per silo and shared by every portfolio that
/// replays it in event time (SPEC 6, "cost grows with events, not bars"): range minima and maxima of
/// closes and of the prices a stop can be touched at, where the UTC dates change, and per-bar
/// volatility. With them a portfolio whose position is constant between two events answers "which
/// bar touches my stop", "what is my deepest drawdown here" and "what is my equity at each day's
/// close" in O(log n + days), instead of stepping every bar.
/// </summary>
public sealed class BarTable
{
    private const double MillisPerDay = 86_400_000;

    private readonly int _leaves;
    // One tree of the extremes, a node's four in one struct (a walk reads them together: one cache line,
    // not four), siblings side by side; leaves from _leaves on. MinTouch is min(low, open), the lowest
    // price a stop below can fill at; MaxTouch is max(high, open).
    private readonly PriceRange[] _nodes;
    private readonly int[] _dayStarts;
    private readonly ConcurrentDictionary<int, double[]> _volatility = new();

    public BarTable(BarSeries series)
    {
        Series = series;
        _leaves = 1;
        while (_leaves < Math.Max(1, series.Count))
        {
            _leaves *= 2;
        }

        _nodes = new PriceRange[2 * _leaves];
        Array.Fill(_nodes, new PriceRange(double.PositiveInfinity, double.NegativeInfinity, double.PositiveInfinity, double.NegativeInfinity));
        var days = new List<int>();
        for (var i = 0; i < series.Count; i++)
        {
            var bar = series[i];
            _nodes[_leaves + i] = new PriceRange(bar.Close, bar.Close, Math.Min(bar.Low, bar.Open), Math.Max(bar.High, bar.Open));
            if (i > 0 && Day(bar.Time) != Day(series.Time[i - 1]))
            {
                days.Add(i);
            }
        }

        for (var node = _leaves - 1; node >= 1; node--)
        {
            ref readonly var left = ref _nodes[2 * node];
            ref readonly var right = ref _nodes[(2 * node) + 1];
            _nodes[node] = new PriceRange(
                Math.Min(left.MinClose, right.MinClose),
                Math.Max(left.MaxClose, right.MaxClose),
                Math.Min(left.MinTouch, right.MinTouch),
                Math.Max(left.MaxTouch, right.MaxTouch));
        }

        _dayStarts = [.. days];
    }

    public BarSeries Series { get; }

    public int Count => Series.Count;

    /// <summary>The UTC date of a mark, exactly as the metrics count dates.</summary>
    public static double Day(long time) => Math.Floor(time / MillisPerDay);

    /// <summary>The bars (ascending, all after bar 0) whose UTC date differs from the bar before.</summary>
    public ReadOnlySpan<int> DayStarts => _dayStarts;

    /// <summary>The first bar whose time is at or after <paramref name="time"/> (<see cref="Count"/> when none).</summary>
    public int FirstAtOrAfter(long time)
    {
        var index = Series.Time.BinarySearch(time);
        return index >= 0 ? FirstOfRun(index, time) : ~index;
    }

    /// <summary>The number of bars that end at or before <paramref name="time"/>.</summary>
    public int EndedBy(long time)
    {
        int lo = 0, hi = Count;
        while (lo < hi)
        {
            var mid = (lo + hi) >>> 1;
            if (Series.EndTime(mid) <= time)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid;
            }
        }

        return lo;
    }

    /// <summary>
    /// The volatility a portfolio's <see cref="LogReturnVolatility"/> of <paramref name="length"/> would hold
    /// after each bar, had it seen every bar from the first (computed once per length, by the same class).
    /// </summary>
    public double[] Volatility(int length) => _volatility.GetOrAdd(length, static (n, table) => table.ComputeVolatility(n), this);

    private double[] ComputeVolatility(int length)
    {
        var volatility = new LogReturnVolatility(length);
        var values = new double[Count];
        for (var i = 0; i < values.Length; i++)
        {
            volatility.Update(Series[i]);
            values[i] = volatility.Value;
        }

        return values;
    }

    /// <summary>
    /// Visits bars [<paramref name="from"/>, <paramref name="to"/>) in order through <paramref name="walker"/>:
    /// whole ranges it can answer from their extremes are skipped, the rest are visited bar by bar.
    /// Returns the first bar the walker stopped at, or <paramref name="to"/>. The walk climbs from
    /// <paramref name="from"/> through the largest aligned blocks that fit, so a short run costs the
    /// logarithm of its own length, not of the series'.
    /// </summary>
    public int Walk<TWalker>(int from, int to, ref TWalker walker)
        where TWalker : struct, IRangeWalker
    {
        to = Math.Min(to, Count);
        for (var bar = from; bar < to;)
        {
            var size = bar == 0 ? _leaves : bar & -bar;
            while (size > to - bar)
            {
                size >>= 1;
            }

            var stopped = Block((_leaves + bar) / size, bar, size, ref walker);
            if (stopped >= 0)
            {
                return stopped;
            }

            bar += size;
        }

        return Math.Max(from, to);
    }

    /// <summary>The aligned block [<paramref name="first"/>, + <paramref name="size"/>) at <paramref name="node"/>: the bar the walk stopped at, or -1.</summary>
    private int Block<TWalker>(int node, int first, int size, ref TWalker walker)
        where TWalker : struct, IRangeWalker
    {
        ref readonly var range = ref _nodes[node];
        if (walker.CanSkip(in range))
        {
            walker.Skip(in range);
            return -1;
        }

        if (size == 1)
        {
            return walker.Visit(first) ? first : -1;
        }

        var half = size / 2;
        var stopped = Block(2 * node, first, half, ref walker);
        return stopped >= 0 ? stopped : Block((2 * node) + 1, first + half, half, ref walker);
    }

    private int FirstOfRun(int index, long time)
    {
        while (index > 0 && Series.Time[index - 1] == time)
        {
            index--;
        }

        return index;
    }
}

/// <summary>The extremes of a range of bars: closes, and the prices a stop can touch (low/high with the open).</summary>
public readonly record struct PriceRange(double MinClose, double MaxClose, double MinTouch, double MaxTouch);

/// <summary>What <see cref="BarTable.Walk"/> asks at each range: may it be skipped whole, and what each visited bar does.</summary>
public interface IRangeWalker
{
    /// <summary>True when no bar of a range with these extremes can stop the walk or change what the walker keeps beyond <see cref="Skip"/>.</summary>
    bool CanSkip(in PriceRange range);

    /// <summary>Takes in a skipped range.</summary>
    void Skip(in PriceRange range);

    /// <summary>Takes in one bar; true stops the walk at it, before it took effect.</summary>
    bool Visit(int bar);
}
