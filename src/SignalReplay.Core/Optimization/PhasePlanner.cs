using SignalReplay.Core.Statistics;
using SignalReplay.Core.Portfolio;

namespace SignalReplay.Core.Optimization;

/// <summary>
/// The portfolios a phase runs (a grid is computed on demand) and the candidate configuration each is evidence
/// for: its id, or for a walk-forward window the id of the configuration without its window.
/// </summary>
public sealed record PhasePlan(IReadOnlyList<PortfolioConfig> Portfolios, IReadOnlyList<string>? Candidates = null)
{
    public int Count => Portfolios.Count;

    public string Candidate(int index) => Candidates?[index] ?? Portfolios[index].Id;
}

/// <summary>
/// A candidate's score over every portfolio that stood for it (the mean over its <see cref="Windows"/> walk-forward
/// windows), larger is better, and its trades over them all; <see cref="ExcludedBecause"/> says why it can never be picked.
/// </summary>
public sealed record CandidateScore(string Candidate, double Score, PortfolioConfig Config, int Trades, int Windows, string? ExcludedBecause)
{
    public double Key => Ranking.Key(Score, Trades);
}

/// <summary>
/// What a phase produced: every outcome in rank order, every candidate in rank order, and the
/// configurations it hands to the next phase (without trading windows: each phase sets its own).
/// </summary>
public sealed record PhaseResult(
    PhaseSection Phase,
    IReadOnlyList<PortfolioOutcome> Ranked,
    IReadOnlyList<CandidateScore> Candidates,
    IReadOnlyList<PortfolioConfig> Selected)
{
    /// <summary>
    /// The daily-return moments of the phase's best candidate (the returns within each of its walk-forward windows, in window
    /// order), from its day-end equity; null when no candidate can be picked.
    /// </summary>
    public SharpeMoments? BestMoments() =>
        Candidates is [{ ExcludedBecause: null } best, ..]
            ? SharpeMoments.Of([.. Ranked.Where(o => o.Candidate == best.Candidate).OrderBy(o => o.Config.Window?.From ?? 0).SelectMany(o => DailyReturns.Of(o.Result.Equity))])
            : null;
}

/// <summary>
/// The built-in phases of SPEC 8, as pure functions: which portfolios a phase runs given what the
/// previous phase selected, and what it selects from their outcomes. Each phase feeds the next;
/// ties keep plan order (outcomes come in plan order), so the same outcomes always give the same selection.
/// A candidate without trades or without a defined score is never selected (<see cref="Ranking"/>).
/// </summary>
public static class PhasePlanner
{
    /// <summary>The portfolios <paramref name="phase"/> runs. <paramref name="incoming"/> is the previous phase's selection.</summary>
    public static PhasePlan Plan(
        RunConfig config, PhaseSection phase, IReadOnlyList<PortfolioConfig> incoming, IReadOnlyList<string> regimeLabels)
    {
        var window = phase.Range is { } range ? new TradingWindow(range.FromMillis, range.ToMillis) : null;
        return phase.Kind switch
        {
            PhaseKind.Grid => new PhasePlan(TopologyBuilder.Grid(config).Within(window)),
            PhaseKind.Regime => new PhasePlan(
            [
                .. from candidate in incoming
                   from label in regimeLabels
                   select candidate with
                   {
                       Id = $"{candidate.Id}|regime={label}",
                       RegimeFilter = new RegimeFilter(phase.Classifier!, new HashSet<string>(StringComparer.Ordinal) { label }, phase.OnRegimeExit),
                       Window = window,
                   },
            ]),
            _ => Validate(phase, incoming),
        };
    }

    /// <summary>Ranks <paramref name="outcomes"/> and picks what <paramref name="phase"/> hands on.</summary>
    public static PhaseResult Select(PhaseSection phase, IReadOnlyList<PortfolioOutcome> outcomes)
    {
        // Stable sorts: ties keep plan order, as the phase's streamed ranks do.
        var ranked = outcomes.OrderByDescending(o => Ranking.Key(o.Score, o.Result.Metrics.TradeCount)).ToList();

        // Sum each candidate's scores in outcome (plan) order: a fixed summation order, fixed bits.
        var candidates = outcomes
            .GroupBy(o => o.Candidate, StringComparer.Ordinal)
            .Select(g =>
            {
                var score = g.Sum(o => o.Score) / g.Count();
                var trades = g.Sum(o => o.Result.Metrics.TradeCount);
                return new CandidateScore(g.Key, score, Unwindowed(g.First().Config, g.Key), trades, g.Count(), Ranking.Exclusion(score, trades, phase.Objective));
            })
            .OrderByDescending(c => c.Key)
            .ToList();
        var pickable = candidates.Where(c => c.ExcludedBecause is null);
        IReadOnlyList<PortfolioConfig> selected = phase.Kind == PhaseKind.Regime
            ? [.. pickable.GroupBy(c => RegimeOf(c.Config)).Select(g => g.First().Config)]
            : [.. pickable.Take(phase.Top).Select(c => c.Config)];
        return new PhaseResult(phase, ranked, candidates, selected);
    }

    private static PhasePlan Validate(PhaseSection phase, IReadOnlyList<PortfolioConfig> incoming)
    {
        if (phase.Range is not { } range)
        {
            return new PhasePlan([.. incoming.Select(c => c with { Window = null })]);
        }

        var windows = range.Split(phase.WalkForwardWindows);
        var planned = (
            from candidate in incoming
            from w in windows.Select((window, i) => (Window: window, Index: i + 1))
            select (Candidate: candidate.Id, Config: candidate with
            {
                Id = windows.Count == 1 ? candidate.Id : $"{candidate.Id}|wf={w.Index}",
                Window = new TradingWindow(w.Window.FromMillis, w.Window.ToMillis),
            })).ToList();
        return new PhasePlan([.. planned.Select(p => p.Config)], [.. planned.Select(p => p.Candidate)]);
    }

    private static PortfolioConfig Unwindowed(PortfolioConfig config, string candidate) => config with { Id = candidate, Window = null };

    private static string RegimeOf(PortfolioConfig config) =>
        config.RegimeFilter is { } filter ? string.Join(',', filter.Allowed.Order(StringComparer.Ordinal)) : string.Empty;
}
