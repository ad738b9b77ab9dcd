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
/// previous phase selected, and what it selects from their outcomes (a regime phase: the best <c>per_regime</c>
/// strategies per regime, each at its best settings, a regime-adaptive ensemble competing among those of its own set
/// of regimes). Each phase feeds the next;
/// ties keep plan order (outcomes come in plan order), so the same outcomes always give the same selection.
/// A candidate without trades or without a defined score is never selected (<see cref="Ranking"/>).
/// </summary>
public static class PhasePlanner
{
    /// <summary>
    /// The portfolios <paramref name="phase"/> runs. <paramref name="incoming"/> is the previous phase's selection; they trade the phase's
    /// range, or <paramref name="within"/> (a walk-forward window's train span) when given.
    /// </summary>
    public static PhasePlan Plan(
        RunConfig config, PhaseSection phase, IReadOnlyList<PortfolioConfig> incoming, IReadOnlyList<string> regimeLabels, TradingWindow? within = null)
    {
        var window = within ?? (phase.Range is { } range ? new TradingWindow(range.FromMillis, range.ToMillis) : null);
        return phase.Kind switch
        {
            PhaseKind.Grid => new PhasePlan(TopologyBuilder.Grid(config).Within(window)),
            PhaseKind.Regime => new PhasePlan([.. incoming.SelectMany(candidate => PerRegime(phase, candidate, regimeLabels, window))]),
            PhaseKind.Ensemble => Ensembles(phase, incoming, regimeLabels, window),
            PhaseKind.Validate => Validate(phase, incoming),
            _ => throw new ArgumentException($"Phase '{phase.Name}' is a walk-forward phase: its windows run their inner phases' plans (Workflow)."),
        };
    }

    /// <summary>
    /// A regime phase's portfolios for one candidate: it once per label, trading only in that regime; a regime-adaptive
    /// candidate already trades each strategy in its own regimes, so it runs once, as it is.
    /// </summary>
    private static IEnumerable<PortfolioConfig> PerRegime(PhaseSection phase, PortfolioConfig candidate, IReadOnlyList<string> labels, TradingWindow? window) =>
        candidate.RegimeFilter is not null
            ? [candidate with { Window = window }]
            : labels.Select(label => candidate with
            {
                Id = $"{candidate.Id}|regime={label}",
                RegimeFilter = new RegimeFilter(phase.Classifier!, new HashSet<string>(StringComparer.Ordinal) { label }, phase.OnRegimeExit),
                Window = window,
            });

    /// <summary>The most portfolios an ensemble phase may weigh: a coarser weight step or fewer members keep a run below it.</summary>
    public const int MaxEnsembles = 100_000;

    /// <summary>The longest descriptive ensemble name; a longer one would not fit an object key, so the portfolio is named by a hash of it.</summary>
    public const int MaxNameLength = 600;

    /// <summary>
    /// An ensemble name too long for an object key: <c>ensemble-</c> and 16 hex digits of its SHA-256, so the same members and weights
    /// have the same name in every phase and walk-forward window (choice stability compares names) and different ones never share it.
    /// </summary>
    public static string LongEnsembleName(string name) =>
        $"ensemble-{Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(name)))[..16]}";

    /// <summary>
    /// The ensemble phase's portfolios: for each regime (in <paramref name="labels"/> order) the best <see cref="PhaseSection.Members"/>
    /// strategies of the regime phase's picks for it, every way to split a weight of 1 among them in steps of <see cref="PhaseSection.WeightStep"/>,
    /// and one regime-adaptive portfolio per combination of the regimes' splits (the first regime's varying slowest). Each trades, in
    /// regime r, r's members with their weights (a member's own weights scaled by them); its sizing, execution and risk are those
    /// of the best pick. A strategy in several regimes at one weight is one assignment over them all.
    /// </summary>
    private static PhasePlan Ensembles(PhaseSection phase, IReadOnlyList<PortfolioConfig> incoming, IReadOnlyList<string> labels, TradingWindow? window)
    {
        var order = labels.Select((label, i) => (label, i)).ToDictionary(x => x.label, x => x.i, StringComparer.Ordinal);
        var regimes = incoming
            .Where(c => c.RegimeFilter is { Allowed.Count: 1 })
            .GroupBy(c => c.RegimeFilter!.Allowed.Single(), StringComparer.Ordinal)
            .OrderBy(g => order.GetValueOrDefault(g.Key, labels.Count))
            .ThenBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => (Regime: g.Key, Members: g.DistinctBy(c => StrategyPart(c.Id)).Take(phase.Members).ToList()))
            .ToList();
        if (regimes.Count == 0)
        {
            throw new InvalidOperationException($"Phase '{phase.Name}' has no per-regime pick to weigh: the phase before it must be a regime phase that picked something.");
        }

        // Counted before any is made: C(units + k - 1, k - 1) splits for k members, a product over the regimes.
        var units = (int)Math.Round(1 / phase.WeightStep);
        var perRegime = regimes.Select(r => SplitCount(r.Members.Count, units)).ToList();
        var count = perRegime.Aggregate(1d, (product, n) => product * n);
        if (count > MaxEnsembles)
        {
            throw new ArgumentException(
                $"Phase '{phase.Name}' would weigh {Count(count)} ensembles ({string.Join(" x ", perRegime.Select(Count))} splits over {regimes.Count} regimes); "
                + $"at most {Count(MaxEnsembles)}: use a coarser weight_step or fewer members.");
        }

        var splits = regimes.Select(r => Compositions(r.Members.Count, units).ToList()).ToList();

        var template = regimes[0].Members[0];
        var classifier = template.RegimeFilter!.Classifier;
        var allowed = regimes.Select(r => r.Regime).ToHashSet(StringComparer.Ordinal);
        var portfolios = new List<PortfolioConfig>();
        foreach (var combination in Cartesian(splits))
        {
            var weighted = regimes.Select((r, i) => (r.Regime, Members: r.Members.Select((m, j) => (Config: m, Weight: combination[i][j] / (double)units)).Where(m => m.Weight > 0).ToList())).ToList();
            // ensemble(UP=1@long,DOWN=0.5@short+0.5@long): each regime's members, weight @ strategy (ids name files: no spaces).
            var name = "ensemble(" + string.Join(",", weighted.Select(r => $"{r.Regime}={string.Join("+", r.Members.Select(m => $"{Format(m.Weight)}@{StrategyPart(m.Config.Id)}"))}")) + ")";
            name = name.Length <= MaxNameLength ? name : LongEnsembleName(name);
            portfolios.Add(template with
            {
                Id = TopologyBuilder.PortfolioId(name, template.Sizing, template.Execution, template.Risk),
                Assignments = Assignments(weighted.Select(r => (r.Regime, r.Members.Select(m => (m.Config, m.Weight)))).ToList()),
                RegimeFilter = new RegimeFilter(classifier, allowed, phase.OnRegimeExit),
                Window = window,
            });
        }

        return new PhasePlan(portfolios);
    }

    /// <summary>Each member's assignments scaled by its weight in its regime; a strategy held at one weight in several regimes is one assignment.</summary>
    private static List<StrategyAssignment> Assignments(List<(string Regime, IEnumerable<(PortfolioConfig Config, double Weight)> Members)> regimes)
    {
        var perRegime = new List<(string Instance, SeriesId Series, double Weight, string Regime)>();
        foreach (var (regime, members) in regimes)
        {
            foreach (var (config, weight) in members)
            {
                foreach (var assignment in config.Assignments)
                {
                    var at = perRegime.FindIndex(a => a.Instance == assignment.StrategyInstance && a.Regime == regime);
                    var scaled = weight * assignment.Weight;
                    if (at >= 0)
                    {
                        perRegime[at] = perRegime[at] with { Weight = Math.Min(1, perRegime[at].Weight + scaled) };
                    }
                    else
                    {
                        perRegime.Add((assignment.StrategyInstance, assignment.Series, scaled, regime));
                    }
                }
            }
        }

        return
        [
            .. perRegime
                .GroupBy(a => (a.Instance, a.Weight))
                .Select(g => new StrategyAssignment(g.Key.Instance, g.First().Series, g.Key.Weight, g.Select(a => a.Regime).ToHashSet(StringComparer.Ordinal))),
        ];
    }

    /// <summary>Every way to split <paramref name="units"/> among <paramref name="parts"/>, the first part's share descending.</summary>
    private static IEnumerable<int[]> Compositions(int parts, int units)
    {
        if (parts == 1)
        {
            yield return [units];
            yield break;
        }

        for (var first = units; first >= 0; first--)
        {
            foreach (var rest in Compositions(parts - 1, units - first))
            {
                yield return [first, .. rest];
            }
        }
    }

    /// <summary>How many ways <paramref name="units"/> split among <paramref name="parts"/>: C(units + parts - 1, parts - 1), as a double (it may be huge).</summary>
    private static double SplitCount(int parts, int units)
    {
        var count = 1d;
        for (var i = 1; i < parts; i++)
        {
            count = count * (units + i) / i;
        }

        return Math.Round(count);
    }

    private static string Count(double count) => count.ToString("N0", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Every choice of one item from each list, the first list varying slowest.</summary>
    private static IEnumerable<int[][]> Cartesian(IReadOnlyList<List<int[]>> lists)
    {
        IEnumerable<int[][]> combinations = [[]];
        foreach (var list in lists)
        {
            var current = combinations;
            combinations = current.SelectMany(prefix => list.Select(item => (int[][])[.. prefix, item]));
        }

        return combinations;
    }

    private static string Format(double weight) => weight.ToString("0.####", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>What a portfolio id names before its settings: the strategy instance or ensemble.</summary>
    private static string StrategyPart(string id) => id.IndexOf('|', StringComparison.Ordinal) is var bar and >= 0 ? id[..bar] : id;

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
            ? [.. pickable.GroupBy(c => RegimeOf(c.Config)).SelectMany(g => g.DistinctBy(c => StrategyPart(c.Candidate)).Take(phase.PerRegime)).Select(c => c.Config)]
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
