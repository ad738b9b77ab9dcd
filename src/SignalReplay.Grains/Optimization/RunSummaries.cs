using SignalReplay.Core.Optimization;
using SignalReplay.Core.Portfolio;
using SignalReplay.Storage.Results;

namespace SignalReplay.Grains.Optimization;

/// <summary>summary.json from the finished phases: each phase's best candidates, and the last phase's best as the choice.</summary>
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
            choice is null ? null : new Choice(phases[^1].Name, choice.Portfolio, choice.Candidate, choice.Score, Metrics(choice), choice.Windows));
    }

    private static RankedPortfolio Ranked(RankedWire b) => new(b.Rank, b.Portfolio, b.Candidate, b.Score, Metrics(b), b.Windows, b.ExcludedBecause);

    private static IReadOnlyDictionary<string, double> Metrics(RankedWire ranked) =>
        PerformanceMetrics.Names.Select((name, i) => KeyValuePair.Create(name, ranked.Metrics[i])).ToDictionary();
}
