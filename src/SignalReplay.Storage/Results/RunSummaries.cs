using SignalReplay.Core.Optimization;
using SignalReplay.Core.Portfolio;
using SignalReplay.Core.Statistics;

namespace SignalReplay.Storage.Results;

/// <summary>summary.json from the finished phases: each phase's best candidates, the last phase's best as the choice, and the selection statistics.</summary>
public static class RunSummaries
{
    public static RunSummary Of(string run, IReadOnlyList<PhaseRecord> phases)
    {
        // The best of the last phase, unless even the best can never be picked (then none can: they rank last).
        var choice = phases.Count > 0 && phases[^1].Best is [{ ExcludedBecause: null } best, ..] ? best : null;
        return new RunSummary(
            run,
            [.. phases.Select(p => new PhaseSummary(p.Name, p.Kind.Name(), p.Objective, p.Evaluated, [.. p.Best.Select(Ranked)], p.Skipped, WalkForward(p.WalkForward)))],
            choice is null ? null : new Choice(phases[^1].Name, choice.Portfolio, choice.Candidate, choice.Score, Metrics(choice.Metrics), choice.Windows),
            Statistics(phases, choice is null ? null : phases[^1].BestMoments));
    }

    /// <summary>
    /// The selection statistics of a run: its trials are every portfolio of its grid, regime and ensemble phases and of a walk-forward
    /// phase's windows (a validate phase re-tests what they chose), the spread of those trials' Sharpes deflates the choice's, and the
    /// PBO is its first grid's estimate.
    /// </summary>
    public static SelectionStatistics Statistics(IReadOnlyList<PhaseRecord> phases, SharpeMoments? choice)
    {
        var searches = phases.Where(p => p.Kind.Searches()).ToList();
        return SelectionStatistics.Of(
            searches.Sum(p => p.Evaluated),
            searches.Aggregate(default(SharpeSpread), (spread, p) => spread.Combine(p.Sharpes)),
            choice,
            phases.FirstOrDefault(p => p.Overfitting is not null)?.Overfitting);
    }

    private static WalkForwardSummary? WalkForward(WalkForwardReport? report) => report is null ? null : new WalkForwardSummary(
        [.. report.Windows.Select(w => new WindowSummary(
            w.Index, Time(w.Train.From), Time(w.Train.To), Time(w.Test.From), Time(w.Test.To), w.Choice, w.InSampleScore, w.OutOfSampleScore, w.StartingEquity, w.FinalEquity, w.Trials))],
        Metrics(report.OutOfSampleMetrics),
        report.OutOfSampleScore,
        report.Efficiency,
        report.ChoiceStability,
        [.. report.Parameters.Select(p => new ParameterSummary(p.Name, p.Values, p.Variation))]);

    private static DateTimeOffset Time(long millis) => DateTimeOffset.FromUnixTimeMilliseconds(millis);

    private static RankedPortfolio Ranked(RankedCandidate b) => new(b.Rank, b.Portfolio, b.Candidate, b.Score, Metrics(b.Metrics), b.Windows, b.ExcludedBecause);

    private static IReadOnlyDictionary<string, double> Metrics(double[] metrics) =>
        PerformanceMetrics.Names.Select((name, i) => KeyValuePair.Create(name, metrics[i])).ToDictionary();
}
