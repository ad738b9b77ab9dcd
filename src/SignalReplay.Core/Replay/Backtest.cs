using SignalReplay.Core.Generation;
using SignalReplay.Core.Indices;
using SignalReplay.Core.Portfolio;

namespace SignalReplay.Core.Replay;

/// <summary>
/// The two ways to trade a configuration (SPEC 3): <see cref="Full"/> generates signals and trades them
/// in one pass, storing nothing; <see cref="FromSignalSet"/> replays a stored signal set over the same
/// base bars. Both walk the same slices and dispatch through <see cref="SliceDispatcher"/>.
/// </summary>
public static class Backtest
{
    public static IReadOnlyList<PortfolioResult> Full(
        IReadOnlyList<BarSeries> series,
        IReadOnlyList<Strategy> strategies,
        IReadOnlyList<KeyValuePair<string, Classifier>> classifiers,
        IReadOnlyList<PortfolioConfig> portfolios,
        GenerationOptions? options = null)
    {
        options ??= new GenerationOptions();
        series = SignalGeneration.Canonical(series);
        var engines = portfolios.Select(p => new PortfolioEngine(p)).ToList();
        var dispatcher = new SliceDispatcher(engines);
        var ids = series.Select(s => s.Id).ToArray();
        var buffer = new TimeAlignmentBuffer(ids, options.MaxBufferSize);
        var generator = new SignalGenerator(ids, strategies, classifiers, dispatcher.Signal, dispatcher.Regime);
        foreach (var window in BarBatches.Windows(series, options.BatchWindow))
        {
            for (var s = 0; s < series.Count; s++)
            {
                buffer.Add(s, BarBatches.Slice(series[s], window), through: window.End, complete: window.IsLast);
            }

            while (buffer.TryNext(out var endTime, out var bars))
            {
                generator.OnSlice(endTime, bars);
                dispatcher.Dispatch(ids, bars);
            }
        }

        return [.. engines.Select(e => e.Finish())];
    }

    /// <summary>
    /// Replays <paramref name="set"/> over <paramref name="series"/> (the base bars it was generated from):
    /// a signal row is delivered at the slice where its primary bar ends, a classifier change where its bar ends.
    /// A portfolio that trades one series runs in event time over it (<see cref="EventTimeReplay"/>), the
    /// others walk every slice together; both give the bits of <see cref="Full"/>. A portfolio naming a
    /// strategy or classifier the set lacks is refused (<see cref="Validate"/>), never left to trade nothing.
    /// </summary>
    public static IReadOnlyList<PortfolioResult> FromSignalSet(
        IReadOnlyList<BarSeries> series,
        SignalSet set,
        IReadOnlyList<PortfolioConfig> portfolios,
        bool eventTime = true)
    {
        Validate(set, portfolios);
        series = SignalGeneration.Canonical(series);
        var missing = set.BarsPerSeries.Keys.Where(id => series.All(s => s.Id != id)).Select(id => id.ToString()).Order(StringComparer.Ordinal).ToList();
        if (missing.Count > 0)
        {
            throw new ArgumentException($"The replay was given no bars for {string.Join(", ", missing)}, which the signal set counts bars of.");
        }

        var results = new PortfolioResult[portfolios.Count];
        var tables = new Dictionary<SeriesId, BarTable>();
        var stepped = new List<int>();
        for (var p = 0; p < portfolios.Count; p++)
        {
            var config = portfolios[p];
            var traded = config.Assignments[0].Series;
            var home = series.FirstOrDefault(s => s.Id == traded);
            if (!eventTime || home is null || !EventTimeReplay.Fits(config, traded, ClassifierSeriesOf))
            {
                stepped.Add(p);
                continue;
            }

            if (!tables.TryGetValue(traded, out var table))
            {
                tables[traded] = table = new BarTable(home);
            }

            var regimes = config.RegimeFilter is { } filter
                ? set.ClassifierChanges.First(c => c.Classifier == filter.Classifier)
                : null;
            var replay = new EventTimeReplay(new PortfolioEngine(config), table, config.Assignments.Select(a => a.StrategyInstance), regimes?.Classifier);
            if (regimes is not null)
            {
                replay.AddRegimes(regimes.BarIdx, regimes.NewRegime);
            }

            foreach (var index in set.Signals.Where(i => config.Assignments.Any(a => a.StrategyInstance == i.StrategyInstance)))
            {
                replay.Add(index.StrategyInstance, index.BarIdx, index.Value);
            }

            results[p] = replay.Finish();
        }

        var lockstep = PerSlice(series, set, [.. stepped.Select(p => portfolios[p])]);
        for (var i = 0; i < stepped.Count; i++)
        {
            results[stepped[i]] = lockstep[i];
        }

        return results;

        SeriesId? ClassifierSeriesOf(string classifier) => set.ClassifierSeries.TryGetValue(classifier, out var id) ? id : null;
    }

    /// <summary>
    /// Refuses any portfolio that names a strategy instance or a regime classifier <paramref name="set"/> does not
    /// hold, or trades a strategy on another series than the one its signals count bars of.
    /// </summary>
    public static void Validate(SignalSet set, IReadOnlyList<PortfolioConfig> portfolios)
    {
        var strategies = set.Signals.ToDictionary(s => s.StrategyInstance, s => s.PrimarySeries, StringComparer.Ordinal);
        var classifiers = set.ClassifierChanges.Select(c => c.Classifier).ToHashSet(StringComparer.Ordinal);
        foreach (var portfolio in portfolios)
        {
            foreach (var assignment in portfolio.Assignments)
            {
                if (!strategies.TryGetValue(assignment.StrategyInstance, out var primary))
                {
                    throw new ArgumentException(
                        $"Portfolio '{portfolio.Id}' trades strategy '{assignment.StrategyInstance}', which the signal set does not hold; it holds {Listing(strategies.Keys)}.");
                }

                if (primary != assignment.Series)
                {
                    throw new ArgumentException(
                        $"Portfolio '{portfolio.Id}' trades strategy '{assignment.StrategyInstance}' on {assignment.Series}, but its signals count bars of {primary}.");
                }
            }

            if (portfolio.RegimeFilter is { } filter && !classifiers.Contains(filter.Classifier))
            {
                throw new ArgumentException(
                    $"Portfolio '{portfolio.Id}' filters on classifier '{filter.Classifier}', which the signal set does not hold; it holds {Listing(classifiers)}.");
            }
        }
    }

    /// <summary>A readable list of names: all of them when few, the first few and a count when many.</summary>
    public static string Listing(IEnumerable<string> names)
    {
        var sorted = names.Order(StringComparer.Ordinal).ToList();
        return sorted.Count == 0 ? "none"
            : sorted.Count <= 8 ? string.Join(", ", sorted)
            : $"{string.Join(", ", sorted.Take(5))} and {sorted.Count - 5:N0} more";
    }

    /// <summary>The per-bar replay: every portfolio walks every slice of every series together.</summary>
    private static IReadOnlyList<PortfolioResult> PerSlice(
        IReadOnlyList<BarSeries> series,
        SignalSet set,
        IReadOnlyList<PortfolioConfig> portfolios)
    {
        if (portfolios.Count == 0)
        {
            return [];
        }

        var engines = portfolios.Select(p => new PortfolioEngine(p)).ToList();
        var dispatcher = new SliceDispatcher(engines);
        var ids = series.Select(s => s.Id).ToArray();
        var ordinal = ids.Select((id, i) => (id, i)).ToDictionary(x => x.id, x => x.i);

        // Cursors into each sparse index, grouped by the series whose bars they count, so a bar visits only
        // its own series' indices: O(bars + changes), not O(bars x strategies).
        var signalCursors = ids.Select(_ => new List<(SignalIndex Index, Cursor Cursor)>()).ToArray();
        foreach (var index in set.Signals)
        {
            signalCursors[ordinal[index.PrimarySeries]].Add((index, new Cursor()));
        }

        var changeCursors = ids.Select(_ => new List<(ClassifierChangeIndex Changes, Cursor Cursor)>()).ToArray();
        foreach (var changes in set.ClassifierChanges)
        {
            changeCursors[ClassifierSeries(changes, set, ordinal)].Add((changes, new Cursor()));
        }

        var walker = new SliceWalker(series);
        while (walker.TryNext(out var endTime, out var bars))
        {
            foreach (var bar in bars)
            {
                foreach (var (changes, cursor) in changeCursors[bar.Series])
                {
                    if (cursor.Row < changes.Count && changes.BarIdx[cursor.Row] == bar.BarIdx)
                    {
                        dispatcher.Regime(changes.Classifier, changes.NewRegime[cursor.Row]);
                        cursor.Row++;
                    }
                }

                foreach (var (index, cursor) in signalCursors[bar.Series])
                {
                    if (cursor.Row < index.Count && index.BarIdx[cursor.Row] == bar.BarIdx)
                    {
                        var previous = cursor.Row == 0 ? 0 : index.Value[cursor.Row - 1];
                        dispatcher.Signal(new SignalEvent(index.StrategyInstance, index.PrimarySeries, bar.BarIdx, endTime, bar.Bar, previous, index.Value[cursor.Row]));
                        cursor.Row++;
                    }
                }
            }

            dispatcher.Dispatch(ids, bars);
        }

        return [.. engines.Select(e => e.Finish())];
    }

    /// <summary>The series whose bars a classifier's bar_idx counts, as the generator recorded it.</summary>
    private static int ClassifierSeries(ClassifierChangeIndex changes, SignalSet set, IReadOnlyDictionary<SeriesId, int> ordinal) =>
        set.ClassifierSeries.TryGetValue(changes.Classifier, out var series) && ordinal.TryGetValue(series, out var o)
            ? o
            : throw new ArgumentException($"Classifier '{changes.Classifier}' counts bars of a series the replay does not have.");

    /// <summary>The next unread row of one sparse index.</summary>
    private sealed class Cursor
    {
        public int Row { get; set; }
    }
}
