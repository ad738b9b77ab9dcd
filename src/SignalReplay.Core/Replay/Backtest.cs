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
    /// Replays <paramref name="set"/> over <paramref name="series"/> (the base bars it was generated from) with the
    /// one <see cref="ReplayDriver"/>: a portfolio that trades one series runs in event time over it, the others
    /// walk every slice together; both give the bits of <see cref="Full"/>. A portfolio naming a strategy or
    /// classifier the set lacks is refused (<see cref="Validate"/>), never left to trade nothing.
    /// </summary>
    public static IReadOnlyList<PortfolioResult> FromSignalSet(
        IReadOnlyList<BarSeries> series,
        SignalSet set,
        IReadOnlyList<PortfolioConfig> portfolios,
        bool eventTime = true)
    {
        var results = new PortfolioResult[portfolios.Count];
        Sweep(series, set, portfolios, keepDetail: true, (index, result) => results[index] = result, eventTime);
        return results;
    }

    /// <summary>
    /// Replays <paramref name="set"/> into <paramref name="portfolios"/>, handing each result to <paramref name="onResult"/>
    /// (with its index) as soon as it is finished: one portfolio at a time, so a sweep of any size runs in the
    /// memory of one portfolio plus whatever the caller keeps. Without <paramref name="keepDetail"/> a result
    /// carries metrics and counts only.
    /// </summary>
    public static void Sweep(
        IReadOnlyList<BarSeries> series,
        SignalSet set,
        IReadOnlyList<PortfolioConfig> portfolios,
        bool keepDetail,
        Action<int, PortfolioResult> onResult,
        bool eventTime = true)
    {
        Validate(set, portfolios);
        var missing = set.BarsPerSeries.Keys.Where(id => series.All(s => s.Id != id)).Select(id => id.ToString()).Order(StringComparer.Ordinal).ToList();
        if (missing.Count > 0)
        {
            throw new ArgumentException($"The replay was given no bars for {string.Join(", ", missing)}, which the signal set counts bars of.");
        }

        var driver = new ReplayDriver(ReplayMarket.Of(series, set.ClassifierSeries), portfolios, keepDetail, eventTime);
        driver.UseWhole(set);
        driver.Advance(onResult);
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
}
