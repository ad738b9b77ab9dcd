using SignalReplay.Core.Optimization;
using SignalReplay.Core.Portfolio;
using SignalReplay.Core.Statistics;
using SignalReplay.Storage.Results;

namespace SignalReplay.Grains.Optimization;

/// <summary>summary.json from the finished phases: each phase's best candidates, the last phase's best as the choice, and the selection statistics.</summary>
public static class RunSummaries
{
    /// <summary>
    /// The top candidates of a phase with their score and metrics; a candidate run in several walk-forward
    /// windows gets the mean of each metric over its windows, summed in window order.
    /// </summary>
    public static IEnumerable<RankedWire> TopCandidates(PhaseResult result, int top) =>
        result.Candidates.Take(top).Select((candidate, i) =>
        {
            var windows = result.Ranked.Where(o => o.Candidate == candidate.Candidate).OrderBy(o => o.Config.Window?.From ?? 0).ToList();
            var metrics = PerformanceMetrics.Names.Select(name => windows.Sum(o => o.Result.Metrics.Get(name)) / windows.Count).ToArray();
            return new RankedWire(i + 1, candidate.Candidate, candidate.Candidate, candidate.Score, metrics, candidate.Windows, candidate.ExcludedBecause);
        });

    public static RunSummary Of(string run, IReadOnlyList<FinishedPhase> phases)
    {
        // The best of the last phase, unless even the best can never be picked (then none can: they rank last).
        var choice = phases.Count > 0 && phases[^1].Best is [{ ExcludedBecause: null } best, ..] ? best : null;
        return new RunSummary(
            run,
            [.. phases.Select(p => new PhaseSummary(p.Name, p.Kind, p.Objective, p.Evaluated, [.. p.Best.Select(Ranked)], p.Skipped))],
            choice is null ? null : new Choice(phases[^1].Name, choice.Portfolio, choice.Candidate, choice.Score, Metrics(choice), choice.Windows),
            Statistics(phases, choice is null ? null : phases[^1].BestMoments));
    }

    /// <summary>
    /// The selection statistics of a run: its trials are every portfolio of its grid, regime and ensemble phases (a validate phase re-tests
    /// what they chose), the spread of those trials' Sharpes deflates the choice's, and the PBO is its first grid's estimate.
    /// </summary>
    public static SelectionStatistics Statistics(IReadOnlyList<FinishedPhase> phases, SharpeMoments? choice)
    {
        var searches = phases.Where(p => p.Kind is "grid" or "regime" or "ensemble").ToList();
        return SelectionStatistics.Of(
            searches.Sum(p => p.Evaluated),
            searches.Aggregate(default(SharpeSpread), (spread, p) => spread.Combine(p.Sharpes)),
            choice,
            phases.FirstOrDefault(p => p.Overfitting is not null)?.Overfitting);
    }

    private static RankedPortfolio Ranked(RankedWire b) => new(b.Rank, b.Portfolio, b.Candidate, b.Score, Metrics(b), b.Windows, b.ExcludedBecause);

    private static IReadOnlyDictionary<string, double> Metrics(RankedWire ranked) =>
        PerformanceMetrics.Names.Select((name, i) => KeyValuePair.Create(name, ranked.Metrics[i])).ToDictionary();
}
