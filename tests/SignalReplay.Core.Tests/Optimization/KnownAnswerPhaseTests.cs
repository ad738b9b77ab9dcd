using SignalReplay.Core.Generation;
using SignalReplay.Core.Indices;
using SignalReplay.Core.Optimization;
using SignalReplay.Core.Portfolio;
using SignalReplay.Core.Replay;
using PortfolioGrid = SignalReplay.Core.Optimization.PortfolioGrid;

namespace SignalReplay.Core.Tests.Optimization;

/// <summary>
/// Each phase kind on a hand-made market where the answer is known: the price rises through every UP block (by
/// <c>upDrift</c> a bar) and falls 1% a bar through every DOWN block; strategy <c>long</c> is long every other pair of bars,
/// <c>short</c> short on the same bars, so each makes money in one regime and loses it in the other.
/// </summary>
public sealed class KnownAnswerPhaseTests
{
    private const int Bars = 160;
    private static readonly SeriesId Spy = SeriesId.Parse("SPY_1d");
    private static readonly string[] Labels = ["UP", "DOWN"];
    private static readonly Objective Sharpe = Objective.Parse("max:sharpe");

    private static readonly RunConfig Run = new(
        "t", new DataSection("d", [Spy]), [], [], PortfolioGrid.Default, [], TraceRetention.None, RetentionDays.Default);

    private static string Regime(int bar) => (bar / 20) % 2 == 0 ? "UP" : "DOWN";

    private static (BarSeries Series, SignalSet Set) Market(double upDrift = 0.01)
    {
        var bars = new List<Bar>();
        var (time, price) = (new DateTimeOffset(2024, 1, 1, 0, 0, 0, TimeSpan.Zero).ToUnixTimeMilliseconds(), 100.0);
        for (var i = 0; i < Bars; i++)
        {
            var close = price * (1 + (Regime(i) == "UP" ? upDrift : -0.01) + (0.003 * Math.Sin(i * 1.7)));
            bars.Add(new Bar(time + (i * 86_400_000L), price, Math.Max(price, close) * 1.001, Math.Min(price, close) * 0.999, close, 1_000));
            price = close;
        }

        double[] Targets(double side) => [.. Enumerable.Range(0, Bars).Select(i => (i / 2) % 2 == 0 ? side : 0)];
        var set = new SignalSet(
            [SignalIndex.FromDense("long", Spy, Targets(1)), SignalIndex.FromDense("short", Spy, Targets(-1))],
            [ClassifierChangeIndex.FromDense("trend", [.. Enumerable.Range(0, Bars).Select(Regime)])],
            [],
            new Dictionary<SeriesId, int> { [Spy] = Bars },
            new Dictionary<string, SeriesId> { ["trend"] = Spy });
        return (BarSeries.FromBars(Spy, bars), set);
    }

    private static PortfolioConfig Single(string strategy) =>
        new($"{strategy}|ff=1", [new StrategyAssignment(strategy, Spy)], new FixedFractionSizing(1), ExecutionModel.Default, RiskLimits.None);

    private static PhaseResult Replay(BarSeries series, SignalSet set, PhaseSection phase, PhasePlan plan)
    {
        var results = Backtest.FromSignalSet([series], set, plan.Portfolios);
        return PhasePlanner.Select(phase, [.. results.Select((r, i) => new PortfolioOutcome(plan.Portfolios[i], plan.Candidate(i), r, Sharpe.Score(r.Metrics)))]);
    }

    private static DateOnly Day(int bar) => DateOnly.FromDateTime(new DateTime(2024, 1, 1).AddDays(bar));

    [Fact]
    public void Grid_keeps_the_strategy_that_makes_money_over_the_range_first()
    {
        var (series, set) = Market(upDrift: 0.02);
        var grid = new PhaseSection("grid", PhaseKind.Grid, Sharpe, Top: 1);

        var result = Replay(series, set, grid, new PhasePlan([Single("short"), Single("long")]));

        Assert.Equal(["long|ff=1"], result.Selected.Select(c => c.Id));
        Assert.True(result.Candidates[0].Score > 0 && result.Candidates[1].Score < 0);
    }

    [Fact]
    public void Regime_keeps_each_strategy_for_the_regime_it_is_good_in()
    {
        var (series, set) = Market(upDrift: 0.02);
        var regime = new PhaseSection("regime", PhaseKind.Regime, Sharpe, Classifier: "trend");

        var result = Replay(series, set, regime, PhasePlanner.Plan(Run, regime, [Single("long"), Single("short")], Labels));

        Assert.Equal(["long|ff=1|regime=UP", "short|ff=1|regime=DOWN"], result.Selected.Select(c => c.Id).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Validate_ranks_on_the_held_out_range_in_its_windows_and_the_ensemble_beats_either_half()
    {
        var (series, set) = Market();
        var adaptive = Single("long") with
        {
            Id = "ensemble(UP=1@long,DOWN=1@short)|ff=1",
            Assignments = [new("long", Spy, 1, new HashSet<string> { "UP" }), new("short", Spy, 1, new HashSet<string> { "DOWN" })],
            RegimeFilter = new RegimeFilter("trend", new HashSet<string> { "UP", "DOWN" }),
        };
        var validate = new PhaseSection("validate", PhaseKind.Validate, Sharpe, Top: 1, Range: new DateRange(Day(80), Day(160)), WalkForwardWindows: 2);

        var plan = PhasePlanner.Plan(Run, validate, [Single("long"), adaptive, Single("short")], Labels);
        var result = Replay(series, set, validate, plan);

        Assert.Equal(6, plan.Count);
        Assert.All(plan.Portfolios, p => Assert.True(p.Window!.From >= new DateTimeOffset(Day(80).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero).ToUnixTimeMilliseconds()));
        Assert.Equal(adaptive.Id, Assert.Single(result.Selected).Id);
        Assert.Equal(2, result.Candidates[0].Windows);
    }

    [Fact]
    public void The_ensemble_trades_each_strategy_in_the_regime_it_is_good_in()
    {
        var (series, set) = Market();
        var regime = new PhaseSection("regime", PhaseKind.Regime, Sharpe, Classifier: "trend", PerRegime: 2);
        var ensemble = new PhaseSection("ensemble", PhaseKind.Ensemble, Sharpe, Top: 3, Members: 2, WeightStep: 0.5);

        var regimes = Replay(series, set, regime, PhasePlanner.Plan(Run, regime, [Single("long"), Single("short")], Labels));
        var plan = PhasePlanner.Plan(Run, ensemble, regimes.Selected, Labels);
        var result = Replay(series, set, ensemble, plan);

        // Each regime's two picks (its good strategy first) split 1/0, 1/2 or 0/1: 3 x 3 portfolios, UP's split varying slowest.
        Assert.Equal(["long|ff=1|regime=UP", "short|ff=1|regime=UP"], regimes.Selected.Where(c => c.RegimeFilter!.Allowed.Contains("UP")).Select(c => c.Id));
        Assert.Equal(["short|ff=1|regime=DOWN", "long|ff=1|regime=DOWN"], regimes.Selected.Where(c => c.RegimeFilter!.Allowed.Contains("DOWN")).Select(c => c.Id));
        Assert.Equal(9, plan.Count);
        Assert.Equal("ensemble(UP=1@long,DOWN=1@short)|ff=1", plan.Portfolios[0].Id);
        Assert.Equal("ensemble(UP=0.5@long+0.5@short,DOWN=0.5@short+0.5@long)|ff=1", plan.Portfolios[4].Id);
        var best = result.Selected[0];
        Assert.Equal("ensemble(UP=1@long,DOWN=1@short)|ff=1", best.Id);
        Assert.Equal(3, result.Selected.Count);
        Assert.Equal(
            [("long", 1.0, "UP"), ("short", 1.0, "DOWN")],
            best.Assignments.Select(a => (a.StrategyInstance, a.Weight, string.Join(",", a.Regimes!))));
        Assert.Equal(("trend", RegimeExit.Hold), (best.RegimeFilter!.Classifier, best.RegimeFilter.OnExit));
        Assert.True(result.Candidates[0].Score > regimes.Candidates[0].Score, "trading both regimes should beat the best single regime");
    }

    [Fact]
    public void A_strategy_weighed_differently_in_two_regimes_trades_each_weight_in_its_own_regime()
    {
        var (series, set) = Market();
        var regime = new PhaseSection("regime", PhaseKind.Regime, Sharpe, Classifier: "trend", PerRegime: 2);
        var ensemble = new PhaseSection("ensemble", PhaseKind.Ensemble, Sharpe, Members: 2, WeightStep: 0.5);
        var regimes = Replay(series, set, regime, PhasePlanner.Plan(Run, regime, [Single("long"), Single("short")], Labels));

        var mixed = PhasePlanner.Plan(Run, ensemble, regimes.Selected, Labels).Portfolios.Single(p => p.Id == "ensemble(UP=1@long,DOWN=0.5@short+0.5@long)|ff=1");

        Assert.Equal(
            [("long", 1.0, "UP"), ("short", 0.5, "DOWN"), ("long", 0.5, "DOWN")],
            mixed.Assignments.Select(a => (a.StrategyInstance, a.Weight, string.Join(",", a.Regimes!))));
        var result = Backtest.FromSignalSet([series], set, [mixed]).Single();
        Assert.True(result.Trades.Count > 10);
    }

    [Fact]
    public void An_ensemble_too_long_to_name_by_its_members_is_named_by_a_hash_of_them_the_same_wherever_it_stands_in_a_plan()
    {
        var prefix = new string('x', 400);
        PortfolioConfig Pick(string strategy, string label) => Single(strategy) with
        {
            Id = $"{prefix}{strategy}|ff=1|regime={label}",
            RegimeFilter = new RegimeFilter("trend", new HashSet<string> { label }),
        };
        var ensemble = new PhaseSection("ensemble", PhaseKind.Ensemble, Sharpe, Members: 2, WeightStep: 0.5);

        // Every split of a and b in both regimes; then, in a window whose regime phase picked only a for UP and b for DOWN, the one ensemble of those.
        var all = PhasePlanner.Plan(Run, ensemble, [Pick("a", "UP"), Pick("b", "UP"), Pick("a", "DOWN"), Pick("b", "DOWN")], Labels).Portfolios;
        var one = Assert.Single(PhasePlanner.Plan(Run, ensemble, [Pick("a", "UP"), Pick("b", "DOWN")], Labels).Portfolios);

        Assert.Equal(9, all.Select(p => p.Id).Distinct().Count());
        Assert.All(all, p => Assert.Matches("^ensemble-[0-9a-f]{16}\\|ff=1$", p.Id));
        var same = all.Single(p => p.Assignments.Select(a => (a.StrategyInstance, a.Weight, string.Join(",", a.Regimes!))).SequenceEqual([("a", 1.0, "UP"), ("b", 1.0, "DOWN")]));
        Assert.Equal(same.Id, one.Id);
        Assert.NotSame(all[0], same); // it stands third in the first plan and first in the second
    }

    [Fact]
    public void Too_many_splits_are_refused_with_the_counts_and_what_to_change()
    {
        var picks = Enumerable.Range(0, 10).SelectMany(i => Labels.Select(label => Single($"s{i}") with
        {
            Id = $"s{i}|ff=1|regime={label}",
            RegimeFilter = new RegimeFilter("trend", new HashSet<string> { label }),
        })).ToList();
        var ensemble = new PhaseSection("ensemble", PhaseKind.Ensemble, Sharpe, Members: 10, WeightStep: 0.1);
        var finer = ensemble with { WeightStep = 0.001 }; // 2.9e21 splits a regime: counted, never made

        var error = Assert.Throws<ArgumentException>(() => PhasePlanner.Plan(Run, ensemble, picks, Labels));
        var huge = Assert.Throws<ArgumentException>(() => PhasePlanner.Plan(Run, finer, picks, Labels));

        Assert.Equal(
            "Phase 'ensemble' would weigh 8,533,694,884 ensembles (92,378 x 92,378 splits over 2 regimes); at most 100,000: use a coarser weight_step or fewer members.",
            error.Message);
        Assert.Contains("splits over 2 regimes); at most 100,000", huge.Message);
    }
}
