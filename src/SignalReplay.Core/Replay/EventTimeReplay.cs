using SignalReplay.Core.Generation;
using SignalReplay.Core.Portfolio;

namespace SignalReplay.Core.Replay;

/// <summary>
/// One portfolio replayed in event time over the one series it trades: its strategies' signal rows and
/// its regime classifier's changes are merged by bar and handed to the engine in
/// <see cref="SliceDispatcher"/>'s order (regime changes, then signals by strategy id); the bars between
/// them are applied as runs from the shared <see cref="BarTable"/>. The rows are shared feeds that may
/// still be filling (as they do from streams); <see cref="AdvanceTo"/> applies what is known.
/// </summary>
public sealed class EventTimeReplay
{
    private readonly PortfolioEngine _engine;
    private readonly BarTable _table;
    private readonly string? _classifier;
    private readonly FeedRows<string?>? _regimes;
    private readonly string[] _strategies;
    private readonly FeedRows<double>[] _feeds;
    private readonly FeedCursor<double>[] _cursors;
    private FeedCursor<string?> _regimeCursor = new(null);

    /// <summary>
    /// Puts <paramref name="engine"/> in event time over <paramref name="table"/>, fed by its strategies' signal rows
    /// and by its regime filter's classifier changes (counted in this series' bars; null without a filter).
    /// </summary>
    public EventTimeReplay(
        PortfolioEngine engine,
        BarTable table,
        IEnumerable<(string Strategy, FeedRows<double> Rows)> strategies,
        (string Classifier, FeedRows<string?> Changes)? regimes)
    {
        engine.UseEventTime(table);
        (_engine, _table, _classifier, _regimes) = (engine, table, regimes?.Classifier, regimes?.Changes);
        var ordered = strategies.DistinctBy(s => s.Strategy).ToArray();
        Array.Sort(ordered, (x, y) => string.CompareOrdinal(x.Strategy, y.Strategy));
        _strategies = new string[ordered.Length];
        _feeds = new FeedRows<double>[ordered.Length];
        _cursors = new FeedCursor<double>[ordered.Length];
        for (var i = 0; i < ordered.Length; i++)
        {
            (_strategies[i], _feeds[i], _cursors[i]) = (ordered[i].Strategy, ordered[i].Rows, new FeedCursor<double>(0));
        }
    }

    /// <summary>
    /// Whether <paramref name="config"/> can replay in event time over <paramref name="series"/>: it trades that
    /// series alone and its regime classifier (if any) counts that series' bars.
    /// </summary>
    public static bool Fits(PortfolioConfig config, SeriesId series, Func<string, SeriesId?> classifierSeries) =>
        config.Assignments.All(a => a.Series == series)
        && (config.RegimeFilter is not { } filter || classifierSeries(filter.Classifier) == series);

    /// <summary>Every feed is complete: <see cref="Finish"/> may be called.</summary>
    public bool IsComplete => _feeds.All(f => f.Complete) && (_regimes?.Complete ?? true);

    /// <summary>The bars every feed is known through: the bars ending at or before each feed's promise.</summary>
    public int KnownBars
    {
        get
        {
            var bars = Known(_regimes?.Complete ?? true, _regimes?.Through ?? long.MaxValue);
            foreach (var feed in _feeds)
            {
                bars = Math.Min(bars, Known(feed.Complete, feed.Through));
            }

            return bars;
        }
    }

    /// <summary>Applies every bar before <paramref name="bar"/>: all rows before it must have arrived.</summary>
    public void AdvanceTo(int bar)
    {
        bar = Math.Min(bar, _table.Count);
        while (NextEvent() is var next && next < bar)
        {
            _engine.OnEventBar(next);
            while (_regimes is not null && _regimeCursor.TryTake(_regimes, next, out _))
            {
                _engine.OnRegime(_classifier!, _regimeCursor.Current);
            }

            for (var f = 0; f < _feeds.Length; f++)
            {
                if (_cursors[f].TryTake(_feeds[f], next, out var previous))
                {
                    var series = _table.Series;
                    _engine.OnSignal(new SignalEvent(_strategies[f], series.Id, next, series.EndTime(next), series[next], previous, _cursors[f].Current));
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

    private int Known(bool complete, long through) => complete ? _table.Count : _table.EndedBy(through);

    private int NextEvent()
    {
        var next = _regimes is null ? int.MaxValue : _regimeCursor.Head(_regimes);
        for (var f = 0; f < _feeds.Length; f++)
        {
            next = Math.Min(next, _cursors[f].Head(_feeds[f]));
        }

        return next;
    }
}
