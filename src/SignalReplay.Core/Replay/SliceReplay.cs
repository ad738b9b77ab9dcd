using SignalReplay.Core.Generation;
using SignalReplay.Core.Portfolio;

namespace SignalReplay.Core.Replay;

/// <summary>
/// The per-bar replay: portfolios that trade several series (or filter on a classifier of another series)
/// walk the shared base bars slice by slice, all of them in one walk, with the signals and regime changes
/// of each slice dispatched in <see cref="SliceDispatcher"/>'s order. A bar is walked once every feed has
/// promised past its end, so feeds may still be filling.
/// </summary>
internal sealed class SliceReplay
{
    private readonly IReadOnlyList<BarSeries> _walked;
    private readonly List<PortfolioEngine> _engines;
    private readonly SliceDispatcher _dispatcher;
    private readonly SliceWalker _walker;
    private readonly List<Signals>[] _signals;
    private readonly List<Changes>[] _changes;

    public SliceReplay(
        IReadOnlyList<PortfolioEngine> engines,
        IReadOnlyList<PortfolioConfig> configs,
        ReplayMarket market,
        Func<string, FeedRows<double>> signals,
        Func<string, FeedRows<string?>> regimes)
    {
        _engines = [.. engines];
        _dispatcher = new SliceDispatcher(_engines);
        var strategies = configs.SelectMany(c => c.Assignments).Select(a => (a.StrategyInstance, a.Series)).Distinct().ToList();
        var classifiers = configs.Select(c => c.RegimeFilter?.Classifier).OfType<string>().Distinct().ToList();
        var ids = strategies.Select(s => s.Series).Concat(classifiers.Select(market.ClassifierSeries)).Distinct().OrderBy(s => s.ToString(), StringComparer.Ordinal).ToList();
        _walked = [.. ids.Select(market.Series)];
        _walker = new SliceWalker(_walked);
        _signals = [.. ids.Select(_ => new List<Signals>())];
        _changes = [.. ids.Select(_ => new List<Changes>())];
        foreach (var (strategy, series) in strategies.OrderBy(s => s.StrategyInstance, StringComparer.Ordinal))
        {
            _signals[ids.IndexOf(series)].Add(new Signals(strategy, signals(strategy)));
        }

        foreach (var classifier in classifiers.Order(StringComparer.Ordinal))
        {
            _changes[ids.IndexOf(market.ClassifierSeries(classifier))].Add(new Changes(classifier, regimes(classifier)));
        }
    }

    /// <summary>The time every feed of these portfolios is known through.</summary>
    public long KnownThrough
    {
        get
        {
            var through = long.MaxValue;
            foreach (var feed in _signals.SelectMany(s => s))
            {
                through = Math.Min(through, feed.Rows.Through);
            }

            foreach (var feed in _changes.SelectMany(c => c))
            {
                through = Math.Min(through, feed.Rows.Through);
            }

            return through;
        }
    }

    /// <summary>Every bar has been walked.</summary>
    public bool Done => _walker.NextEnd == long.MaxValue;

    /// <summary>Walks every slice that ends at or before what the feeds are known through.</summary>
    public void Advance()
    {
        var through = KnownThrough;
        var ids = _walked.Select(s => s.Id).ToArray();
        while (_walker.TryNext(through, out var endTime, out var bars))
        {
            foreach (var bar in bars)
            {
                foreach (var changes in _changes[bar.Series])
                {
                    while (changes.Cursor.TryTake(changes.Rows, bar.BarIdx, out _))
                    {
                        _dispatcher.Regime(changes.Classifier, changes.Cursor.Current);
                    }
                }

                foreach (var signals in _signals[bar.Series])
                {
                    if (signals.Cursor.TryTake(signals.Rows, bar.BarIdx, out var previous))
                    {
                        _dispatcher.Signal(new SignalEvent(signals.Strategy, ids[bar.Series], bar.BarIdx, endTime, bar.Bar, previous, signals.Cursor.Current));
                    }
                }
            }

            _dispatcher.Dispatch(ids, bars);
        }
    }

    public IReadOnlyList<PortfolioResult> Finish() => [.. _engines.Select(e => e.Finish())];

    /// <summary>One strategy's rows and this walk's place in them.</summary>
    private sealed class Signals(string strategy, FeedRows<double> rows)
    {
        public FeedCursor<double> Cursor = new(0);

        public string Strategy => strategy;

        public FeedRows<double> Rows => rows;
    }

    /// <summary>One classifier's changes and this walk's place in them.</summary>
    private sealed class Changes(string classifier, FeedRows<string?> rows)
    {
        public FeedCursor<string?> Cursor = new(null);

        public string Classifier => classifier;

        public FeedRows<string?> Rows => rows;
    }
}
