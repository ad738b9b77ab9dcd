using SignalReplay.Core.Generation;
using SignalReplay.Core.Portfolio;

namespace SignalReplay.Core.Replay;

/// <summary>
/// The base data a replay reads: each series' bars, the event-time table of each series a portfolio trades
/// alone, and the series each classifier counts bars of. Built once (per process, per silo) and shared.
/// </summary>
public sealed class ReplayMarket(
    IReadOnlyDictionary<SeriesId, BarSeries> series,
    Func<SeriesId, BarTable> tables,
    IReadOnlyDictionary<string, SeriesId> classifierSeries)
{
    /// <summary>A market over <paramref name="series"/> whose tables are built on first use, once each.</summary>
    public static ReplayMarket Of(IReadOnlyList<BarSeries> series, IReadOnlyDictionary<string, SeriesId> classifierSeries)
    {
        var byId = series.ToDictionary(s => s.Id);
        var tables = new Dictionary<SeriesId, BarTable>();
        return new ReplayMarket(
            byId,
            id =>
            {
                lock (tables)
                {
                    return tables.TryGetValue(id, out var table) ? table : tables[id] = new BarTable(byId[id]);
                }
            },
            classifierSeries);
    }

    public BarSeries Series(SeriesId id) => series.TryGetValue(id, out var bars)
        ? bars
        : throw new ArgumentException($"The replay has no bars of {id}.");

    public BarTable Table(SeriesId id) => tables(id);

    public SeriesId ClassifierSeries(string classifier) => classifierSeries.TryGetValue(classifier, out var id)
        ? id
        : throw new ArgumentException($"The replay knows no classifier '{classifier}'.");

    public bool HasClassifier(string classifier) => classifierSeries.ContainsKey(classifier);
}

/// <summary>
/// The one replay driver (SPEC 6): a set of portfolio configurations stepped over the rows of their
/// strategies' signals and their regime filters' classifier changes. A portfolio that trades one series
/// runs in event time over its table (<see cref="EventTimeReplay"/>); the others walk the shared bars slice
/// by slice together (<see cref="SliceReplay"/>). Rows are kept once per feed, however many portfolios
/// read it. Feeds may fill in batches (from streams); <see cref="Advance"/> applies what is known, and a
/// portfolio is reported as soon as its feeds are complete and then dropped, so a driver whose feeds are
/// all known runs its portfolios a group at a time in constant memory. The in-process backtest and the
/// shard grains both run this class, so they give the same bits.
/// </summary>
public sealed class ReplayDriver
{
    /// <summary>Event-time portfolios stepped side by side: their engines are what a driver holds at once.</summary>
    private const int Lockstep = 64;

    /// <summary>Bars each of them advances before the next takes its turn (a stretch of the table that stays in cache).</summary>
    private const int LockstepBars = 4_096;

    private readonly ReplayMarket _market;
    private readonly IReadOnlyList<PortfolioConfig> _configs;
    private readonly bool _keepDetail;
    private readonly bool _keepTrades;
    private readonly Dictionary<string, FeedRows<double>> _signals = new(StringComparer.Ordinal);
    private readonly Dictionary<string, FeedRows<string?>> _regimes = new(StringComparer.Ordinal);
    private readonly int[] _eventTime;
    private readonly int[] _stepped;
    private readonly List<Running> _running = new(Lockstep);
    private int _nextToStart;
    private int _finished;
    private SliceReplay? _slices;

    /// <param name="market">The base data.</param>
    /// <param name="configs">The portfolios; results are reported by their index here.</param>
    /// <param name="keepDetail">Keep each portfolio's trades, equity curve and events, or its metrics only.</param>
    /// <param name="eventTime">Run single-series portfolios in event time (false: every portfolio walks every bar, the reference).</param>
    /// <param name="keepTrades">Keep each portfolio's closed trades even without the rest of its detail.</param>
    public ReplayDriver(ReplayMarket market, IReadOnlyList<PortfolioConfig> configs, bool keepDetail, bool eventTime = true, bool keepTrades = false)
    {
        (_market, _configs, _keepDetail, _keepTrades) = (market, configs, keepDetail, keepTrades);
        foreach (var config in configs)
        {
            foreach (var assignment in config.Assignments)
            {
                _signals.TryAdd(assignment.StrategyInstance, new FeedRows<double>());
            }

            if (config.RegimeFilter is { } filter)
            {
                _regimes.TryAdd(filter.Classifier, new FeedRows<string?>());
            }
        }

        var fits = configs.Select(c => eventTime && EventTimeReplay.Fits(c, c.Assignments[0].Series, Classified)).ToArray();
        _eventTime = [.. Enumerable.Range(0, configs.Count).Where(i => fits[i])];
        _stepped = [.. Enumerable.Range(0, configs.Count).Where(i => !fits[i])];
    }

    /// <summary>The strategy instances whose signals the portfolios read.</summary>
    public IReadOnlyCollection<string> Strategies => _signals.Keys;

    /// <summary>The classifiers whose changes the portfolios' regime filters read.</summary>
    public IReadOnlyCollection<string> Classifiers => _regimes.Keys;

    /// <summary>Every portfolio has been reported.</summary>
    public bool IsComplete => _finished == _configs.Count;

    /// <summary>Appends signal rows of <paramref name="strategy"/> (ascending bar_idx of its primary series) and the feed's promise.</summary>
    public void Signals(string strategy, ReadOnlySpan<int> barIdx, ReadOnlySpan<double> value, long through, bool complete) =>
        Feed(_signals, strategy, "strategy").Append(barIdx, value, through, complete);

    /// <summary>Appends changes of <paramref name="classifier"/> (ascending bar_idx of its series) and the feed's promise.</summary>
    public void Regimes(string classifier, ReadOnlySpan<int> barIdx, ReadOnlySpan<string?> regimes, long through, bool complete) =>
        Feed(_regimes, classifier, "classifier").Append(barIdx, regimes, through, complete);

    /// <summary>Takes every feed the portfolios read from a set whose rows are all known (no copy).</summary>
    public void UseWhole(SignalSet set)
    {
        foreach (var index in set.Signals.Where(i => _signals.ContainsKey(i.StrategyInstance)))
        {
            _signals[index.StrategyInstance] = FeedRows<double>.Whole(index.BarIdx.ToArray(), index.Value.ToArray());
        }

        foreach (var changes in set.ClassifierChanges.Where(c => _regimes.ContainsKey(c.Classifier)))
        {
            _regimes[changes.Classifier] = FeedRows<string?>.Whole(changes.BarIdx.ToArray(), changes.NewRegime.ToArray());
        }
    }

    /// <summary>
    /// Applies everything the feeds are known through; each portfolio whose feeds are complete is finished,
    /// reported to <paramref name="onResult"/> with its index, and dropped.
    /// </summary>
    public void Advance(Action<int, PortfolioResult> onResult)
    {
        // While feeds are still filling, every portfolio starts: its engine is made while rows arrive, off the
        // path of the batch that completes them. Once all are known, they start a group at a time.
        var filling = _signals.Values.Any(f => !f.Complete) || _regimes.Values.Any(f => !f.Complete);
        while (true)
        {
            for (; _nextToStart < _eventTime.Length && (filling || _running.Count < Lockstep); _nextToStart++)
            {
                _running.Add(new Running(_nextToStart, Start(_configs[_eventTime[_nextToStart]])));
            }

            if (!StepTogether(onResult))
            {
                break;
            }
        }

        if (_stepped.Length > 0 && _finished < _configs.Count)
        {
            _slices ??= new SliceReplay(
                [.. _stepped.Select(i => new PortfolioEngine(_configs[i], _keepDetail, _keepTrades))],
                [.. _stepped.Select(i => _configs[i])],
                _market,
                strategy => _signals[strategy],
                classifier => _regimes[classifier]);
            _slices.Advance();
            if (_slices.Done && _slices.KnownThrough == long.MaxValue)
            {
                var results = _slices.Finish();
                for (var i = 0; i < _stepped.Length; i++)
                {
                    onResult(_stepped[i], results[i]);
                }

                _finished += _stepped.Length;
                _slices = null;
            }
        }
    }

    /// <summary>
    /// Advances the running event-time portfolios side by side, <see cref="LockstepBars"/> bars at a time, each as
    /// far as its feeds are known, then finishes and drops those whose feeds are complete. Portfolios of one
    /// series walk the same stretch of its <see cref="BarTable"/> one after another while it is in the core's
    /// cache, instead of each streaming the whole table through it (the result of each is the same: a
    /// portfolio's replay gives the same bits however its bars are cut, as streamed feeds cut them). False when
    /// none finished.
    /// </summary>
    private bool StepTogether(Action<int, PortfolioResult> onResult)
    {
        var (from, end) = (int.MaxValue, 0);
        foreach (var running in _running)
        {
            running.Known = running.Replay.KnownBars;
            (from, end) = (Math.Min(from, running.Applied), Math.Max(end, running.Known));
        }

        for (var edge = from; edge < end;)
        {
            edge = Math.Min(end, edge + LockstepBars);
            foreach (var running in _running)
            {
                var to = Math.Min(edge, running.Known);
                if (to > running.Applied)
                {
                    running.Replay.AdvanceTo(to);
                    running.Applied = to;
                }
            }
        }

        var finished = 0;
        foreach (var running in _running.Where(r => r.Replay.IsComplete))
        {
            onResult(_eventTime[running.Slot], running.Replay.Finish());
            finished++;
        }

        _running.RemoveAll(r => r.Replay.IsComplete);
        _finished += finished;
        return finished > 0;
    }

    private EventTimeReplay Start(PortfolioConfig config)
    {
        var table = _market.Table(config.Assignments[0].Series);
        return new EventTimeReplay(
            new PortfolioEngine(config, _keepDetail, _keepTrades),
            table,
            config.Assignments.Select(a => (a.StrategyInstance, _signals[a.StrategyInstance])),
            config.RegimeFilter is { } filter ? (filter.Classifier, _regimes[filter.Classifier]) : null);
    }

    private SeriesId? Classified(string classifier) => _market.HasClassifier(classifier) ? _market.ClassifierSeries(classifier) : null;

    private static FeedRows<T> Feed<T>(Dictionary<string, FeedRows<T>> feeds, string name, string kind) =>
        feeds.TryGetValue(name, out var feed)
            ? feed
            : throw new ArgumentException($"No portfolio of this replay reads {kind} '{name}'.");

    /// <summary>An event-time portfolio being stepped: its slot, its replay, the bars applied and the bars known.</summary>
    private sealed class Running(int slot, EventTimeReplay replay)
    {
        public int Slot => slot;

        public EventTimeReplay Replay => replay;

        public int Applied { get; set; }

        public int Known { get; set; }
    }
}
