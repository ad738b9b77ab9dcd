using SignalReplay.Core.Generation;
using SignalReplay.Core.Portfolio;

namespace SignalReplay.Core.Replay;

/// <summary>
/// One portfolio replayed in event time over the one series it trades: its strategies' signal rows and
/// its regime classifier's changes are merged by bar and handed to the engine in
/// <see cref="SliceDispatcher"/>'s order (regime changes, then signals by strategy id); the bars between
/// them are applied as runs from the shared <see cref="BarTable"/>. Rows may arrive in batches
/// (<see cref="Add"/>, <see cref="AddRegimes"/>), as they do from streams; <see cref="AdvanceTo"/> applies
/// what is complete.
/// </summary>
public sealed class EventTimeReplay
{
    private readonly PortfolioEngine _engine;
    private readonly BarTable _table;
    private readonly string? _classifier;
    private readonly Queue<(int BarIdx, string Regime)> _regimes = new();
    private readonly Dictionary<string, Feed> _byStrategy = new(StringComparer.Ordinal);
    private readonly Feed[] _feeds;

    /// <summary>
    /// Puts <paramref name="engine"/> in event time over <paramref name="table"/>, fed by <paramref name="strategies"/>
    /// and by the changes of <paramref name="classifier"/> (its regime filter's, counted in this series' bars; null without one).
    /// </summary>
    public EventTimeReplay(PortfolioEngine engine, BarTable table, IEnumerable<string> strategies, string? classifier)
    {
        engine.UseEventTime(table);
        (_engine, _table, _classifier) = (engine, table, classifier);
        _feeds = [.. strategies.Distinct().Order(StringComparer.Ordinal).Select(s => new Feed(s))];
        foreach (var feed in _feeds)
        {
            _byStrategy[feed.Strategy] = feed;
        }
    }

    /// <summary>
    /// Whether <paramref name="config"/> can replay in event time over <paramref name="series"/>: it trades that
    /// series alone and its regime classifier (if any) counts that series' bars.
    /// </summary>
    public static bool Fits(PortfolioConfig config, SeriesId series, Func<string, SeriesId?> classifierSeries) =>
        config.Assignments.All(a => a.Series == series)
        && (config.RegimeFilter is not { } filter || classifierSeries(filter.Classifier) == series);

    /// <summary>Queues rows of one strategy (ascending bar_idx, after any queued before).</summary>
    public void Add(string strategy, ReadOnlySpan<int> barIdx, ReadOnlySpan<double> value)
    {
        if (!_byStrategy.TryGetValue(strategy, out var feed))
        {
            throw new ArgumentException($"Portfolio '{_engine.Id}' has no strategy '{strategy}'.");
        }

        feed.Add(barIdx, value);
    }

    /// <summary>Queues changes of the regime classifier (ascending bar_idx, after any queued before).</summary>
    public void AddRegimes(ReadOnlySpan<int> barIdx, ReadOnlySpan<string> regimes)
    {
        if (_classifier is null)
        {
            throw new InvalidOperationException($"Portfolio '{_engine.Id}' has no regime filter to take regime changes for.");
        }

        for (var i = 0; i < barIdx.Length; i++)
        {
            _regimes.Enqueue((barIdx[i], regimes[i]));
        }
    }

    /// <summary>Applies every bar before <paramref name="bar"/>: all rows before it must have been added.</summary>
    public void AdvanceTo(int bar)
    {
        bar = Math.Min(bar, _table.Count);
        while (NextEvent() is var next && next < bar)
        {
            _engine.OnEventBar(next);
            while (_regimes.TryPeek(out var change) && change.BarIdx == next)
            {
                _engine.OnRegime(_classifier!, _regimes.Dequeue().Regime);
            }

            foreach (var feed in _feeds)
            {
                if (feed.TryTake(next, out var previous, out var value))
                {
                    var series = _table.Series;
                    _engine.OnSignal(new SignalEvent(feed.Strategy, series.Id, next, series.EndTime(next), series[next], previous, value));
                }
            }

            _engine.EndOfSlice();
        }

        _engine.AdvanceTo(bar);
    }

    /// <summary>Applies the rest of the series and returns the portfolio's result.</summary>
    public PortfolioResult Finish()
    {
        AdvanceTo(_table.Count);
        return _engine.Finish();
    }

    private int NextEvent()
    {
        var next = _regimes.TryPeek(out var change) ? change.BarIdx : int.MaxValue;
        foreach (var feed in _feeds)
        {
            next = Math.Min(next, feed.Head);
        }

        return next;
    }

    /// <summary>One strategy's queued rows and its last value.</summary>
    private sealed class Feed(string strategy)
    {
        private readonly Queue<(int BarIdx, double Value)> _rows = new();
        private double _value;

        public string Strategy => strategy;

        public int Head => _rows.TryPeek(out var row) ? row.BarIdx : int.MaxValue;

        public void Add(ReadOnlySpan<int> barIdx, ReadOnlySpan<double> value)
        {
            for (var i = 0; i < barIdx.Length; i++)
            {
                _rows.Enqueue((barIdx[i], value[i]));
            }
        }

        public bool TryTake(int bar, out double previous, out double value)
        {
            previous = value = _value;
            if (Head != bar)
            {
                return false;
            }

            value = _value = _rows.Dequeue().Value;
            return true;
        }
    }
}
