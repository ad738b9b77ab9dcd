using SignalReplay.Core.Generation;
using SignalReplay.Core.Indices;
using SignalReplay.Core.Optimization;
using SignalReplay.Core.Portfolio;
using SignalReplay.Core.Replay;

namespace SignalReplay.Core.Tests.Optimization;

/// <summary>
/// The walk-forward phase: its windows, its configuration keys, and its workflow on a daily market with real signals (momentum and
/// breakout generated from the bars, a trend classifier), replayed in process.
/// </summary>
public sealed class WalkForwardTests
{
    private const long Day = 86_400_000L;
    private static readonly long Start = new DateTimeOffset(2020, 1, 1, 0, 0, 0, TimeSpan.Zero).ToUnixTimeMilliseconds();
    private static readonly SeriesId Spy = SeriesId.Parse("SPY_1d");

    private const string Run = """
        name: wf
        data: { dataset: d, series: [SPY_1d], batch_window: 30d }
        classifiers: [ { name: trend, series: SPY_1d, params: { fast: 5, slow: 20 } } ]
        strategies:
          - { name: momentum, series: SPY_1d, params: { fast: [3, 5, 10], slow: [20, 40], long_only: [true, false] } }
          - { name: breakout, series: SPY_1d, params: { length: [10, 30] } }
        portfolio: { execution: { commission_bps: 5 } }
        phases:
          - { name: grid, kind: grid, top: 4 }
          - { name: regime, kind: regime, classifier: trend, per_regime: 2 }
          - { name: ensemble, kind: ensemble, top: 2 }
          - { name: wf, kind: walk_forward, train: 120, test: 40 }
        """;

    private static long[] Times(int bars) => [.. Enumerable.Range(0, bars).Select(i => Start + (i * Day))];

    private static TradingWindow Span(int fromBar, int toBar) => new(Start + (fromBar * Day), Start + (toBar * Day));

    [Fact]
    public void A_window_in_cash_holds_its_equity_flat_at_each_day_end_of_its_test_span_and_its_days_count()
    {
        // Hourly bars over four days; the test span from day 1 noon to day 3 noon: day-ends at the last bar of days 1 and 2, and 11:00 of day 3.
        long[] hourly = [.. Enumerable.Range(0, 96).Select(h => Start + (h * 3_600_000L))];
        var cash = WindowSegment.Cash(hourly, new TradingWindow(Start + Day + (Day / 2), Start + (3 * Day) + (Day / 2)), 1_050);

        Assert.Equal([Start + (2 * Day) - 3_600_000L, Start + (3 * Day) - 3_600_000L, Start + (3 * Day) + (11 * 3_600_000L)], cash.Time);
        Assert.Equal([1_050.0, 1_050, 1_050], cash.Equity);
        Assert.Null(cash.Traded);

        // A window that gained, then one in cash: the same return, but over all its days (the Sharpe of the gains alone is higher).
        var gained = new WindowSegment([Start, Start + Day, Start + (2 * Day), Start + (3 * Day)], [1_000, 1_010, 1_030, 1_050], null);
        var flat = WindowSegment.Cash(Times(8), Span(4, 8), 1_050);
        var alone = StitchedCurve.Metrics([gained]);
        var both = StitchedCurve.Metrics([gained, flat]);
        var (ret, sharpe) = (Array.IndexOf(PerformanceMetrics.Names.ToArray(), "total_return"), Array.IndexOf(PerformanceMetrics.Names.ToArray(), "sharpe"));

        Assert.Equal(8, StitchedCurve.Of([gained, flat]).Equity.Length);
        Assert.Equal(0.05, both[ret], 12);
        Assert.Equal(alone[ret], both[ret], 12);
        Assert.True(both[sharpe] < alone[sharpe], $"{both[sharpe]} < {alone[sharpe]}");
    }

    [Fact]
    public void Windows_that_meet_within_a_date_give_that_date_one_day_end_the_later_windows()
    {
        const long Hour = 3_600_000L;
        var first = new WindowSegment([Start + (20 * Hour), Start + Day + (12 * Hour)], [1_000, 1_010], null);
        var second = new WindowSegment([Start + Day + (20 * Hour), Start + (2 * Day) + (20 * Hour)], [1_012, 1_020], null);

        var (time, equity) = StitchedCurve.Of([first, second]);

        Assert.Equal([Start + (20 * Hour), Start + Day + (20 * Hour), Start + (2 * Day) + (20 * Hour)], time);
        Assert.Equal([1_000.0, 1_012, 1_020], equity);
    }

    [Fact]
    public void Rolling_windows_in_bars_move_by_the_step_and_the_last_test_span_ends_with_the_range()
    {
        var spec = new WalkForwardSpec(SpanLength.OfBars(100), SpanLength.OfBars(30), SpanLength.OfBars(30), Anchored: false, ["grid"]);

        var windows = spec.Windows(Times(200), Start, Start + (200 * Day));

        Assert.Equal(
            [(Span(0, 100), Span(100, 130)), (Span(30, 130), Span(130, 160)), (Span(60, 160), Span(160, 190)), (Span(90, 190), new TradingWindow(Start + (190 * Day), Start + (200 * Day)))],
            windows);
    }

    [Fact]
    public void Anchored_windows_in_days_all_train_from_the_start_of_the_range()
    {
        var spec = new WalkForwardSpec(SpanLength.Of(TimeSpan.FromDays(50)), SpanLength.Of(TimeSpan.FromDays(25)), SpanLength.Of(TimeSpan.FromDays(25)), Anchored: true, ["grid"]);

        var windows = spec.Windows(Times(120), Start + (10 * Day), Start + (110 * Day));

        Assert.Equal([(Span(10, 60), Span(60, 85)), (Span(10, 85), Span(85, 110))], windows);
    }

    [Fact]
    public void A_test_span_without_bars_is_skipped_and_the_windows_go_on_after_it()
    {
        // Weekdays only: a one-day test span on a Saturday or Sunday holds no bar.
        long[] weekdays = [.. Times(28).Where(t => DateTimeOffset.FromUnixTimeMilliseconds(t).DayOfWeek is not (DayOfWeek.Saturday or DayOfWeek.Sunday))];
        var daily = SpanLength.Of(TimeSpan.FromDays(1));
        var spec = new WalkForwardSpec(SpanLength.Of(TimeSpan.FromDays(7)), daily, daily, Anchored: false, ["grid"]);

        var windows = spec.Windows(weekdays, Start, Start + (28 * Day));

        Assert.All(windows, w => Assert.Contains(weekdays, t => t >= w.Test.From && t < w.Test.To));
        Assert.Equal(Start + (27 * Day), windows[^1].Test.From); // past every weekend to the last weekday
        Assert.Equal(weekdays.Count(t => t >= Start + (7 * Day)), windows.Count);
    }

    [Fact]
    public void A_range_too_short_for_one_window_has_none_and_too_many_windows_are_refused()
    {
        var spec = new WalkForwardSpec(SpanLength.OfBars(100), SpanLength.OfBars(30), SpanLength.OfBars(30), Anchored: false, ["grid"]);
        var tiny = spec with { Train = SpanLength.OfBars(1), Test = SpanLength.OfBars(1), Step = SpanLength.OfBars(1) };

        Assert.Empty(spec.Windows(Times(100), Start, Start + (100 * Day)));
        var error = Assert.Throws<ArgumentException>(() => tiny.Windows(Times(1_000), Start, Start + (1_000 * Day)));
        Assert.Contains($"more than {WalkForwardSpec.MaxWindows} windows", error.Message);
    }

    [Fact]
    public void The_reader_takes_the_windows_and_by_default_every_search_phase_before()
    {
        var config = RunConfigReader.Parse(Run.Replace("train: 120, test: 40", "train: 90d, test: 30d, step: 45d, anchored: true", StringComparison.Ordinal), "run.yaml");

        var spec = config.Phases[^1].WalkForward!;
        Assert.Equal(PhaseKind.WalkForward, config.Phases[^1].Kind);
        Assert.Equal((SpanLength.Of(TimeSpan.FromDays(90)), SpanLength.Of(TimeSpan.FromDays(30)), SpanLength.Of(TimeSpan.FromDays(45)), true), (spec.Train, spec.Test, spec.Step, spec.Anchored));
        Assert.Equal(["grid", "regime", "ensemble"], spec.Phases);
        Assert.Equal(SpanLength.OfBars(40), RunConfigReader.Parse(Run, "run.yaml").Phases[^1].WalkForward!.Step);
    }

    [Theory]
    [InlineData("train: 120, test: 40", "train: 120, test: 30d", "run.yaml line 12, key 'phases[3].train': train, test and step of a walk-forward phase are all durations (90d) or all bar counts (250).")]
    [InlineData("train: 120, test: 40", "train: 120, test: 40, phases: [grid, nope]", "run.yaml line 12, key 'phases[3].phases[1]': 'nope' is not a phase before this one; those are grid, regime, ensemble.")]
    [InlineData("train: 120, test: 40", "train: 120, test: 40, phases: [grid, ensemble]", "run.yaml line 12, key 'phases[3].phases': ensemble phase 'ensemble' weighs the picks of the regime phase right before it; list that regime phase before it.")]
    [InlineData("train: 120, test: 40", "train: 120, test: 40, phases: [regime]", "run.yaml line 12, key 'phases[3].phases': a walk-forward window's phases start with a grid phase: each later one starts from the one before it.")]
    [InlineData("train: 120, test: 40", "test: 40", "run.yaml line 12, key 'phases[3].train': this key is required and missing.")]
    [InlineData("{ name: grid, kind: grid, top: 4 }", "{ name: grid, kind: grid, top: 4, train: 30 }", "run.yaml line 9, key 'phases[0].train': only a walk_forward phase takes train.")]
    [InlineData("train: 120, test: 40", "train: 120, test: 4x", "run.yaml line 12, key 'phases[3].test': '4x' is not a duration such as 30m, 1h or 7d.")]
    [InlineData("train: 120, test: 40", "train: 120, test: 40, step: 20", "run.yaml line 12, key 'phases[3].step': step 20 bars is shorter than test 40 bars: the test spans would overlap and trade the same bars twice.")]
    [InlineData("train: 120, test: 40 }", "train: 120, test: 40 }\n  - { name: wf-w12-regime, kind: regime, classifier: trend }", "run.yaml line 13, key 'phases[4].name': phase 'wf-w12-regime' is named like the results of a window of walk-forward phase 'wf' (wf-w<n>-regime); name it otherwise.")]
    public void Bad_walk_forward_settings_are_refused_naming_the_line_and_key(string replace, string with, string message)
    {
        var error = Assert.Throws<RunConfigException>(() => RunConfigReader.Parse(Run.Replace(replace, with, StringComparison.Ordinal), "run.yaml"));

        Assert.Equal(message, error.Message);
    }

    [Theory]
    [InlineData("wf-w3-grid", true)]
    [InlineData("wf-w12-grid", true)]
    [InlineData("wf-w-grid", false)]
    [InlineData("wf-w3x-grid", false)]
    [InlineData("wf-w3-grid2", false)]
    [InlineData("wf2-w3-grid", false)]
    public void A_name_is_a_window_output_only_in_the_form_phase_w_number_inner(string name, bool expected) =>
        Assert.Equal(expected, Workflow.IsWindowOutput(name, "wf", "grid"));

    /// <summary>A daily random walk with drifting regimes; bars from <paramref name="mutateFrom"/> on follow another path.</summary>
    private static BarSeries Market(int bars, int mutateFrom = int.MaxValue)
    {
        var (random, other) = (new Random(7), new Random(99));
        var list = new List<Bar>();
        var price = 100.0;
        for (var i = 0; i < bars; i++)
        {
            var drift = Math.Sin(i / 40.0) * 0.004;
            var shock = (i >= mutateFrom ? other : random).NextDouble() - 0.5;
            var close = price * (1 + drift + (shock * 0.03));
            list.Add(new Bar(Start + (i * Day), price, Math.Max(price, close) * 1.004, Math.Min(price, close) * 0.996, close, 1_000));
            price = close;
        }

        return BarSeries.FromBars(Spy, list);
    }

    private static async Task<(PhaseRecord Record, InProcessWorkflowHost Host, RunConfig Config, SignalSet Signals)> WalkForward(BarSeries series, string run = Run)
    {
        var config = RunConfigReader.Parse(run, "run.yaml");
        var signals = SignalGeneration.Run([series], TopologyBuilder.Strategies(config), TopologyBuilder.Classifiers(config), new GenerationOptions { BatchWindow = config.Data.Window });
        var host = new InProcessWorkflowHost([series], signals);
        var record = await new Workflow(config, host).RunPhaseAsync(config.Phases.Count - 1, []);
        return (record, host, config, signals);
    }

    [Fact]
    public async Task No_bar_of_a_test_span_or_after_it_changes_the_choice_of_its_window_or_those_before()
    {
        var (original, _, _, _) = await WalkForward(Market(400));
        var windows = original.WalkForward!.Windows;
        var third = windows[2];
        var mutateFrom = (int)((third.Test.From - Start) / Day);

        var (mutated, _, _, _) = await WalkForward(Market(400, mutateFrom));

        var after = mutated.WalkForward!.Windows;
        Assert.Equal(7, windows.Count);
        Assert.All(windows, w => Assert.NotNull(w.Choice));
        Assert.Equal(
            windows.Take(3).Select(w => (w.Train, w.Test, w.Choice, w.InSampleScore, w.Trials)),
            after.Take(3).Select(w => (w.Train, w.Test, w.Choice, w.InSampleScore, w.Trials)));
        Assert.Equal(windows.Take(2).Select(w => (w.OutOfSampleScore, w.FinalEquity)), after.Take(2).Select(w => (w.OutOfSampleScore, w.FinalEquity)));
        Assert.NotEqual(third.FinalEquity, after[2].FinalEquity); // the mutation reached the third test span
        Assert.NotEqual(windows.Skip(3).Select(w => w.InSampleScore), after.Skip(3).Select(w => w.InSampleScore)); // and the later train spans
    }

    [Fact]
    public async Task The_out_of_sample_curve_is_each_windows_choice_traded_on_its_test_span_with_the_equity_left_before_it()
    {
        var series = Market(400);
        var (record, host, config, signals) = await WalkForward(series);
        var report = record.WalkForward!;
        var written = host.Written["wf"];

        // By hand: each window's choice, found among the grid's and the inner phases' portfolios by its id, on its test span.
        var equity = config.Portfolio.StartingCash;
        var curve = new List<double>();
        foreach (var window in report.Windows)
        {
            var chosen = host.Jobs.SelectMany(j => j.Plan.Portfolios).First(p => p.Id == window.Choice);
            var result = Backtest.FromSignalSet([series], signals, [chosen with { Window = window.Test, StartingCash = equity }]).Single();
            Assert.Equal(equity, window.StartingEquity);
            curve.AddRange(result.Equity);
            equity = result.FinalEquity;
        }

        Assert.Equal(curve, StitchedCurve.Of([.. written.Select(WindowSegment.Of)]).Equity);
        Assert.Equal(equity, report.Windows[^1].FinalEquity);
        Assert.Equal((equity / curve[0]) - 1, report.OutOfSampleMetrics[0], 12);
        Assert.Equal(report.Windows.Count, written.Count);
        Assert.All(written, o => Assert.Equal(Workflow.OutOfSample, o.Candidate));
        Assert.Equal($"{report.Windows[^1].Choice}", Assert.Single(record.Selected).Id);
        Assert.Null(record.Selected[0].Window);
    }

    [Fact]
    public async Task The_report_holds_efficiency_stability_and_each_parameters_path_and_every_inner_portfolio_is_a_trial()
    {
        var (record, host, _, _) = await WalkForward(Market(400), Run.Replace("test: 40 }", "test: 40, phases: [grid] }", StringComparison.Ordinal));
        var report = record.WalkForward!;

        var inSample = report.Windows.Average(w => w.InSampleScore);
        var outOfSample = report.Windows.Average(w => w.OutOfSampleScore);
        Assert.Equal(outOfSample / inSample, report.Efficiency, 12);
        Assert.Equal(host.Jobs.Where(j => j.Key.EndsWith("/grid", StringComparison.Ordinal)).Sum(j => j.Plan.Count), record.Evaluated);
        Assert.Equal(14 * report.Windows.Count, record.Evaluated); // 12 momentum and 2 breakout instances per window
        Assert.All(report.Windows, w => Assert.Equal(14, w.Trials));

        // Each window's inner grid streams its rows to its own results folder; the detail re-runs and the test spans do not.
        var grids = host.Jobs.Where(j => j.Key.EndsWith("/grid", StringComparison.Ordinal)).ToList();
        Assert.Equal(report.Windows.Select(w => $"wf-w{w.Index}-grid"), grids.Select(j => j.Streamed?.Name));
        Assert.All(host.Jobs.Where(j => j.Key.EndsWith("/detail", StringComparison.Ordinal) || j.Key.EndsWith("/test", StringComparison.Ordinal)), j => Assert.Null(j.Streamed));
        Assert.Null(Workflow.WindowOutput("a_walk_forward_phase_name", 12, "ensemble")); // past 32 characters: not written
        var kept = report.Windows.Skip(1).Select((w, i) => w.Choice == report.Windows[i].Choice).Count(k => k);
        Assert.Equal(kept / (double)(report.Windows.Count - 1), report.ChoiceStability);
        var fast = report.Parameters.Single(p => p.Name == "momentum.fast");
        Assert.Equal(
            report.Windows.Select(w => w.Choice!.StartsWith("momentum(", StringComparison.Ordinal) ? ParameterPath.Parameters(w.Choice)["momentum.fast"] : double.NaN),
            fast.Values);
        Assert.NotNull(record.BestMoments);
        Assert.Equal(Workflow.OutOfSample, Assert.Single(record.Best).Candidate);
    }

    [Fact]
    public async Task Each_window_chooses_what_its_train_span_rewarded_and_pays_for_a_turn_of_the_market_out_of_sample()
    {
        // The market rises 1% a bar for 200 bars, then falls 1% a bar; one strategy is long every other pair of bars, the other short on them.
        const string run = """
            name: known
            data: { dataset: d, series: [SPY_1d] }
            strategies: [ { name: momentum, series: SPY_1d, params: { fast: [5, 10], slow: 20 } } ]
            phases:
              - { name: grid, kind: grid, top: 2 }
              - { name: wf, kind: walk_forward, train: 100, test: 50 }
            """;
        var config = RunConfigReader.Parse(run, "run.yaml");
        var (up, down) = (TopologyBuilder.StrategyInstances(config)[0].Strategy().InstanceId, TopologyBuilder.StrategyInstances(config)[1].Strategy().InstanceId);
        var bars = new List<Bar>();
        var price = 100.0;
        for (var i = 0; i < 400; i++)
        {
            var close = price * (1 + (i < 200 ? 0.01 : -0.01) + (0.002 * Math.Sin(i * 1.3)));
            bars.Add(new Bar(Start + (i * Day), price, Math.Max(price, close), Math.Min(price, close), close, 1_000));
            price = close;
        }

        double[] Targets(double side) => [.. Enumerable.Range(0, 400).Select(i => (i / 2) % 2 == 0 ? side : 0)];
        var signals = new SignalSet(
            [SignalIndex.FromDense(up, Spy, Targets(1)), SignalIndex.FromDense(down, Spy, Targets(-1))],
            [],
            [],
            new Dictionary<SeriesId, int> { [Spy] = 400 },
            new Dictionary<string, SeriesId>());
        var record = await new Workflow(config, new InProcessWorkflowHost([BarSeries.FromBars(Spy, bars)], signals)).RunPhaseAsync(1, []);

        var windows = record.WalkForward!.Windows;
        Assert.Equal(6, windows.Count); // trained on [0, 100), [50, 150) ... [250, 350)
        Assert.All(windows.Take(3), w => Assert.StartsWith(up, w.Choice, StringComparison.Ordinal));     // trained in the rise
        Assert.All(windows.Skip(4), w => Assert.StartsWith(down, w.Choice, StringComparison.Ordinal));   // trained in the fall
        Assert.True(windows[0].OutOfSampleScore > 0 && windows[1].OutOfSampleScore > 0, "long in the rise makes money");
        Assert.True(windows[2].OutOfSampleScore < 0, "trained in the rise, traded in the fall: the turn costs");
        Assert.All(windows.Skip(4), w => Assert.True(w.OutOfSampleScore > 0, "short in the fall makes money"));
        Assert.True(record.WalkForward.ChoiceStability < 1);
    }

    [Fact]
    public void Parameters_are_read_from_single_strategies_and_ensemble_members()
    {
        var single = ParameterPath.Parameters("momentum(fast=5,slow=20,long_only=0)@SPY_1d|ff=1");
        var ensemble = ParameterPath.Parameters("ensemble(UP=0.5@momentum(fast=5,slow=20)@SPY_1d+0.5@breakout(length=30)@SPY_1d,DOWN=1@momentum(fast=10,slow=40)@SPY_1d)|ff=1");

        Assert.Equal(new Dictionary<string, double> { ["momentum.fast"] = 5, ["momentum.slow"] = 20, ["momentum.long_only"] = 0 }, single);
        Assert.Equal(new Dictionary<string, double> { ["momentum.fast"] = 5, ["momentum.slow"] = 20, ["breakout.length"] = 30 }, ensemble);
    }

    [Fact]
    public void An_ensemble_named_by_a_hash_gives_its_parameters_from_the_strategy_instances_it_trades()
    {
        WalkForwardWindow Window(int i, string choice, params string[] instances) =>
            new(i, Span(0, 10), Span(10, 20), choice, 1, 1, 1_000, 1_000, 1, instances);

        var paths = ParameterPath.Of(
        [
            Window(1, "ensemble-0123456789abcdef|ff=1", "momentum(fast=10,slow=50)@SPY_1d", "breakout(length=30)@SPY_1d"),
            Window(2, "momentum(fast=20,slow=50)@SPY_1d|ff=1", "momentum(fast=99,slow=99)@SPY_1d"), // a readable id wins over its instances
            new WalkForwardWindow(3, Span(0, 10), Span(20, 30), "ensemble-fedcba9876543210|ff=1", 1, 1, 1_000, 1_000, 1), // a state saved before instances were kept
        ]);

        Assert.Equal([10.0, 20, double.NaN], paths.Single(p => p.Name == "momentum.fast").Values);
        Assert.Equal([30.0, double.NaN, double.NaN], paths.Single(p => p.Name == "breakout.length").Values);
    }
}
