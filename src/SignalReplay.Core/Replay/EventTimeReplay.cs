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
    private readonly RowQueue<string?> _regimes = new(null);
    private readonly Dictionary<string, RowQueue<double>> _byStrategy = new(StringComparer.Ordinal);
    private readonly (string Strategy, RowQueue<double> Rows)[] _feeds;

    /// <summary>
    /// Puts <paramref name="engine"/> in event time over <paramref name="table"/>, fed by <paramref name="strategies"/>
    /// and by the changes of <paramref name="classifier"/> (its regime filter's, counted in this series' bars; null without one).
    /// </summary>
    public EventTimeReplay(PortfolioEngine engine, BarTable table, IEnumerable<string> strategies, string? classifier)
    {
        engine.UseEventTime(table);
        (_engine, _table, _classifier) = (engine, table, classifier);
        _feeds = [.. strategies.Distinct().Order(StringComparer.Ordinal).Select(s => (s, new RowQueue<double>(0)))];
        foreach (var (strategy, rows) in _feeds)
        {
            _byStrategy[strategy] = rows;
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
        if (!_byStrategy.TryGetValue(strategy, out var rows))
        {
            throw new ArgumentException($"Portfolio '{_engine.Id}' has no strategy '{strategy}'.");
        }

        rows.Add(barIdx, value);
    }

    /// <summary>Queues changes of the regime classifier (ascending bar_idx, after any queued before).</summary>
    public void AddRegimes(ReadOnlySpan<int> barIdx, ReadOnlySpan<string> regimes)
    {
        if (_classifier is null)
        {
            throw new InvalidOperationException($"Portfolio '{_engine.Id}' has no regime filter to take regime changes for.");
        }

        _regimes.Add(barIdx, regimes);
    }

    /// <summary>Applies every bar before <paramref name="bar"/>: all rows before it must have been added.</summary>
    public void AdvanceTo(int bar)
    {
        bar = Math.Min(bar, _table.Count);
        while (NextEvent() is var next && next < bar)
        {
            _engine.OnEventBar(next);
            while (_regimes.TryTake(next, out _))
            {
                _engine.OnRegime(_classifier!, _regimes.Current);
            }

            foreach (var (strategy, rows) in _feeds)
            {
                if (rows.TryTake(next, out var previous))
                {
                    var series = _table.Series;
                    _engine.OnSignal(new SignalEvent(strategy, series.Id, next, series.EndTime(next), series[next], previous, rows.Current));
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
        var next = _regimes.Head;
        foreach (var (_, rows) in _feeds)
        {
            next = Math.Min(next, rows.Head);
        }

        return next;
    }
}
