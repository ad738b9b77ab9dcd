using SignalReplay.Core.Portfolio;

namespace SignalReplay.Core.Optimization;

/// <summary>A portfolio a phase runs, and the candidate configuration it is evidence for.</summary>
public sealed record PlannedPortfolio(PortfolioConfig Config, string Candidate);

/// <summary>A candidate's score over every portfolio that stood for it (its walk-forward windows), larger is better.</summary>
public sealed record CandidateScore(string Candidate, double Score, PortfolioConfig Config);

/// <summary>
/// What a phase produced: every outcome in rank order, every candidate in rank order, and the
/// configurations it hands to the next phase (without trading windows: each phase sets its own).
/// </summary>
public sealed record PhaseResult(
    PhaseSection Phase,
    IReadOnlyList<PortfolioOutcome> Ranked,
    IReadOnlyList<CandidateScore> Candidates,
    IReadOnlyList<PortfolioConfig> Selected);

/// <summary>
/// The built-in phases of SPEC 8, as pure functions: which portfolios a phase runs given what the
/// previous phase selected, and what it selects from their outcomes. Each phase feeds the next;
/// ties are broken by id, so the same outcomes always give the same selection.
/// </summary>
public static class PhasePlanner
{
    /// <summary>The portfolios <paramref name="phase"/> runs. <paramref name="incoming"/> is the previous phase's selection.</summary>
    public static IReadOnlyList<PlannedPortfolio> Plan(
        RunConfig config, PhaseSection phase, IReadOnlyList<PortfolioConfig> incoming, IReadOnlyList<string> regimeLabels)
    {
        var window = phase.Range is { } range ? new TradingWindow(range.FromMillis, range.ToMillis) : null;
        return phase.Kind switch
        {
            PhaseKind.Grid => [.. TopologyBuilder.Grid(config).Select(p => new PlannedPortfolio(p with { Window = window }, p.Id))],
            PhaseKind.Regime =>
            [
                .. from candidate in incoming
                   from label in regimeLabels
                   let id = $"{candidate.Id}|regime={label}"
                   select new PlannedPortfolio(
                       candidate with
                       {
                           Id = id,
                           RegimeFilter = new RegimeFilter(phase.Classifier!, new HashSet<string>(StringComparer.Ordinal) { label }, phase.OnRegimeExit),
                           Window = window,
                       },
                       id),
            ],
            _ => Validate(phase, incoming),
        };
    }

    /// <summary>Ranks <paramref name="outcomes"/> and picks what <paramref name="phase"/> hands on.</summary>
    public static PhaseResult Select(PhaseSection phase, IReadOnlyList<PortfolioOutcome> outcomes)
    {
        var ranked = outcomes.OrderByDescending(o => Rankable(o.Score)).ThenBy(o => o.Config.Id, StringComparer.Ordinal).ToList();

        // Sum each candidate's scores in outcome (plan) order: a fixed summation order, fixed bits.
        var candidates = outcomes
            .GroupBy(o => o.Candidate, StringComparer.Ordinal)
            .Select(g => new CandidateScore(g.Key, g.Sum(o => o.Score) / g.Count(), Unwindowed(g.First().Config, g.Key)))
            .OrderByDescending(c => Rankable(c.Score))
            .ThenBy(c => c.Candidate, StringComparer.Ordinal)
            .ToList();
        IReadOnlyList<PortfolioConfig> selected = phase.Kind == PhaseKind.Regime
            ? [.. candidates.GroupBy(c => RegimeOf(c.Config)).Select(g => g.First().Config)]
            : [.. candidates.Take(phase.Top).Select(c => c.Config)];
        return new PhaseResult(phase, ranked, candidates, selected);
    }

    private static IReadOnlyList<PlannedPortfolio> Validate(PhaseSection phase, IReadOnlyList<PortfolioConfig> incoming)
    {
        if (phase.Range is not { } range)
        {
            return [.. incoming.Select(c => new PlannedPortfolio(c with { Window = null }, c.Id))];
        }

        var windows = range.Split(phase.WalkForwardWindows);
        return
        [
            .. from candidate in incoming
               from w in windows.Select((window, i) => (Window: window, Index: i + 1))
               select new PlannedPortfolio(
                   candidate with
                   {
                       Id = windows.Count == 1 ? candidate.Id : $"{candidate.Id}|wf={w.Index}",
                       Window = new TradingWindow(w.Window.FromMillis, w.Window.ToMillis),
                   },
                   candidate.Id),
        ];
    }

    /// <summary>NaN (an undefined metric) ranks below every number.</summary>
    private static double Rankable(double score) => double.IsNaN(score) ? double.NegativeInfinity : score;

    private static PortfolioConfig Unwindowed(PortfolioConfig config, string candidate) => config with { Id = candidate, Window = null };

    private static string RegimeOf(PortfolioConfig config) =>
        config.RegimeFilter is { } filter ? string.Join(',', filter.Allowed.Order(StringComparer.Ordinal)) : string.Empty;
}
