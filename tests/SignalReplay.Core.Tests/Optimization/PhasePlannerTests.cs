using SignalReplay.Core.Optimization;
using SignalReplay.Core.Portfolio;
using SignalReplay.Core.Statistics;
using PortfolioGrid = SignalReplay.Core.Optimization.PortfolioGrid;

namespace SignalReplay.Core.Tests.Optimization;

public sealed class PhasePlannerTests
{
    private static readonly SeriesId Spy = SeriesId.Parse("SPY_1m");

    private static readonly RunConfig Run = new(
        "t",
        new DataSection("d", [Spy]),
        [new ClassifierSection("trend", [Spy], new Dictionary<string, double>())],
        [new StrategySection("momentum", [Spy], [KeyValuePair.Create("fast", (IReadOnlyList<double>)[5, 10, 20])])],
        PortfolioGrid.Default,
        [],
        TraceRetention.None,
        RetentionDays.Default);

    private static readonly PhaseSection Grid = new("grid", PhaseKind.Grid, Objective.Parse("sharpe"), Top: 2);

    private static PortfolioOutcome Outcome(PhasePlan plan, int index, double score, int trades = 1) => new(
        plan.Portfolios[index],
        plan.Candidate(index),
        new PortfolioResult(plan.Portfolios[index].Id, new PerformanceMetrics(0, score, 0, 0, 0, 0, 0, 0, trades, 0, 0, 0), [], [], [], [], [], 10_000, 0, 0),
        score);

    private static List<PortfolioOutcome> Outcomes(PhasePlan plan, Func<int, double> score, Func<int, int>? trades = null) =>
        [.. Enumerable.Range(0, plan.Count).Select(i => Outcome(plan, i, score(i), trades?.Invoke(i) ?? 1))];

    [Fact]
    public void A_portfolio_without_trades_or_with_an_undefined_score_ranks_last_and_is_never_picked()
    {
        var planned = PhasePlanner.Plan(Run, Grid, [], []);
        // Portfolio 0 scores best but never traded; 1 has no Sharpe; only 2 can be picked.
        var outcomes = Outcomes(planned, i => i switch { 0 => 0.0, 1 => double.NaN, _ => -1.5 }, trades: i => i == 0 ? 0 : 3);

        var result = PhasePlanner.Select(Grid, outcomes);

        Assert.Equal([planned.Portfolios[2].Id], result.Selected.Select(c => c.Id));
        Assert.Equal([planned.Portfolios[2].Id, planned.Portfolios[0].Id, planned.Portfolios[1].Id], result.Ranked.Select(o => o.Config.Id));
        Assert.Equal([null, "no trades", "sharpe undefined"], result.Candidates.Select(c => c.ExcludedBecause));
    }

    [Fact]
    public void A_regime_whose_portfolios_all_made_no_trade_hands_on_nothing_for_that_regime()
    {
        var regime = new PhaseSection("regime", PhaseKind.Regime, Objective.Parse("sharpe"), Classifier: "trend");
        var incoming = PhasePlanner.Plan(Run, Grid, [], []).Portfolios.Take(2).ToList();
        var planned = PhasePlanner.Plan(Run, regime, incoming, ["UP", "DOWN"]);

        // Plan order: candidate 0 UP, DOWN; candidate 1 UP, DOWN. Nothing traded in DOWN.
        var result = PhasePlanner.Select(regime, Outcomes(planned, i => i, trades: i => i % 2 == 0 ? 2 : 0));

        Assert.Equal([$"{incoming[1].Id}|regime=UP"], result.Selected.Select(c => c.Id));
    }

    [Fact]
    public void Grid_keeps_the_top_k_by_score_and_breaks_ties_by_plan_order()
    {
        var planned = PhasePlanner.Plan(Run, Grid, [], []);
        var outcomes = Outcomes(planned, i => i == 0 ? 1.0 : 2.0);

        var result = PhasePlanner.Select(Grid, outcomes);

        Assert.Equal(3, planned.Count);
        Assert.Equal([planned.Portfolios[1].Id, planned.Portfolios[2].Id], result.Selected.Select(c => c.Id));
        Assert.Equal(planned.Portfolios[1].Id, result.Ranked[0].Config.Id);
    }

    [Fact]
    public void Regime_runs_each_candidate_once_per_label_and_keeps_the_best_per_regime()
    {
        var regime = new PhaseSection("regime", PhaseKind.Regime, Objective.Parse("sharpe"), Classifier: "trend");
        var incoming = PhasePlanner.Plan(Run, Grid, [], []).Portfolios.Take(2).ToList();

        var planned = PhasePlanner.Plan(Run, regime, incoming, ["UP", "DOWN"]);
        var scores = new[] { 1.0, 5.0, 3.0, 2.0 }; // candidate 0: UP 1, DOWN 5; candidate 1: UP 3, DOWN 2
        var result = PhasePlanner.Select(regime, Outcomes(planned, i => scores[i]));

        Assert.Equal(4, planned.Count);
        Assert.All(planned.Portfolios, p => Assert.Single(p.RegimeFilter!.Allowed));
        Assert.Equal([$"{incoming[0].Id}|regime=DOWN", $"{incoming[1].Id}|regime=UP"], result.Selected.Select(c => c.Id));
    }

    [Fact]
    public void Regime_runs_a_regime_adaptive_candidate_once_as_it_is_and_picks_it_for_its_own_set_of_regimes()
    {
        var regime = new PhaseSection("regime", PhaseKind.Regime, Objective.Parse("sharpe"), Classifier: "trend");
        var single = PhasePlanner.Plan(Run, Grid, [], []).Portfolios[0];
        var filter = new RegimeFilter("trend", new HashSet<string> { "UP", "DOWN" }, RegimeExit.Close);
        var adaptive = single with
        {
            Id = "adaptive|ff=1",
            Assignments = [single.Assignments[0] with { Regimes = new HashSet<string> { "UP" } }, new StrategyAssignment("other", Spy, 0.5, new HashSet<string> { "DOWN" })],
            RegimeFilter = filter,
        };

        var planned = PhasePlanner.Plan(Run, regime, [single, adaptive], ["UP", "DOWN"]);
        var result = PhasePlanner.Select(regime, Outcomes(planned, i => i));

        Assert.Equal([$"{single.Id}|regime=UP", $"{single.Id}|regime=DOWN", "adaptive|ff=1"], planned.Portfolios.Select(p => p.Id));
        Assert.Same(filter, planned.Portfolios[2].RegimeFilter);
        Assert.Equal(adaptive.Assignments, planned.Portfolios[2].Assignments);
        Assert.Equal(["adaptive|ff=1", $"{single.Id}|regime=DOWN", $"{single.Id}|regime=UP"], result.Selected.Select(c => c.Id));
    }

    [Fact]
    public void Validate_runs_each_candidate_in_every_walk_forward_window_and_ranks_by_the_mean()
    {
        var validate = new PhaseSection(
            "validate", PhaseKind.Validate, Objective.Parse("sharpe"), Top: 1,
            Range: new DateRange(new DateOnly(2024, 10, 1), new DateOnly(2024, 10, 31)), WalkForwardWindows: 3);
        var incoming = PhasePlanner.Plan(Run, Grid, [], []).Portfolios.Take(2).ToList();

        var planned = PhasePlanner.Plan(Run, validate, incoming, []);
        var scores = new[] { 3.0, 0.0, 0.0, 1.0, 1.0, 1.5 }; // means 1.0 and 1.1667
        var result = PhasePlanner.Select(validate, Outcomes(planned, i => scores[i]));

        Assert.Equal(6, planned.Count);
        Assert.Equal(new DateRange(new DateOnly(2024, 10, 1), new DateOnly(2024, 10, 11)).FromMillis, planned.Portfolios[0].Window!.From);
        Assert.Equal(new DateOnly(2024, 10, 31), DateOnly.FromDateTime(DateTimeOffset.FromUnixTimeMilliseconds(planned.Portfolios[2].Window!.To).UtcDateTime));
        Assert.EndsWith("|wf=2", planned.Portfolios[1].Id);
        Assert.Equal(incoming[1].Id, Assert.Single(result.Selected).Id);
        Assert.Null(result.Selected[0].Window);
        Assert.Equal(3.5 / 3, result.Candidates[0].Score, 12);
        Assert.Equal(3, result.Candidates[0].Windows);
    }

    [Fact]
    public void The_best_candidates_daily_returns_run_through_its_walk_forward_windows_in_window_order()
    {
        var validate = new PhaseSection(
            "validate", PhaseKind.Validate, Objective.Parse("sharpe"), Top: 1,
            Range: new DateRange(new DateOnly(2024, 10, 1), new DateOnly(2024, 10, 31)), WalkForwardWindows: 2);
        var incoming = PhasePlanner.Plan(Run, Grid, [], []).Portfolios.Take(2).ToList();
        var planned = PhasePlanner.Plan(Run, validate, incoming, []);
        double[][] curves = [[100, 101, 103], [100, 99], [100, 102, 101, 104], [100, 100.5]];
        // Candidate 1 (plan 2, 3) wins; its outcomes arrive second window first.
        var outcomes = Enumerable.Range(0, planned.Count).Reverse().Select(i => Outcome(planned, i, i < 2 ? 0.5 : 2.0) with
        {
            Result = Outcome(planned, i, 0).Result with { Equity = curves[i] },
        }).ToList();

        var moments = PhasePlanner.Select(validate, outcomes).BestMoments();

        Assert.Equal(SharpeMoments.Of([(102.0 / 100) - 1, (101.0 / 102) - 1, (104.0 / 101) - 1, (100.5 / 100) - 1]), moments);
        Assert.Null(PhasePlanner.Select(validate, Outcomes(planned, _ => 1, trades: _ => 0)).BestMoments());
    }

    [Fact]
    public void A_phase_range_becomes_each_portfolio_trading_window()
    {
        var phase = Grid with { Range = new DateRange(new DateOnly(2024, 1, 2), new DateOnly(2024, 7, 1)) };

        var planned = PhasePlanner.Plan(Run, phase, [], []);

        Assert.All(planned.Portfolios, p => Assert.Equal(new TradingWindow(phase.Range.FromMillis, phase.Range.ToMillis), p.Window));
    }
}
