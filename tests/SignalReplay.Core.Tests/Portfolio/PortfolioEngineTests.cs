using SignalReplay.Core.Generation;
using SignalReplay.Core.Portfolio;

namespace SignalReplay.Core.Tests.Portfolio;

public sealed class PortfolioEngineTests
{
    private static readonly SeriesId Spy = SeriesId.Parse("SPY_1d");
    private static readonly long Day0 = new DateTimeOffset(2024, 3, 4, 0, 0, 0, TimeSpan.Zero).ToUnixTimeMilliseconds();

    /// <summary>Daily bars from (open, close) pairs; high and low just around them.</summary>
    private static Bar[] Bars(params (double Open, double Close)[] prices) =>
        [.. prices.Select((p, i) => new Bar(Day0 + (i * 86_400_000L), p.Open, Math.Max(p.Open, p.Close) + 0.5, Math.Min(p.Open, p.Close) - 0.5, p.Close, 1_000))];

    private static readonly Bar[] Rising = Bars((100, 100), (100, 102), (103, 105), (104, 106), (107, 108), (110, 109));

    private static PortfolioConfig Config(
        FillTiming timing = FillTiming.NextOpen,
        Sizing? sizing = null,
        RiskLimits? risk = null,
        RegimeFilter? filter = null,
        TraceRetention tracing = TraceRetention.None,
        ExecutionModel? execution = null,
        params StrategyAssignment[] assignments) => new(
            "p",
            assignments.Length == 0 ? [new StrategyAssignment("s", Spy)] : assignments,
            sizing ?? new FixedFractionSizing(1),
            execution ?? new ExecutionModel(timing),
            risk ?? RiskLimits.None,
            filter,
            Tracing: tracing);

    /// <summary>Drives the engine bar by bar: bar, regime change, signals, end of slice.</summary>
    private static PortfolioResult Run(
        PortfolioConfig config, Bar[] bars, (int Bar, double Value, string Strategy)[] signals, (int Bar, string Regime)[]? regimes = null)
    {
        var engine = new PortfolioEngine(config);
        var targets = new Dictionary<string, double>();
        for (var i = 0; i < bars.Length; i++)
        {
            engine.OnBar(Spy, bars[i]);
            foreach (var (_, regime) in (regimes ?? []).Where(r => r.Bar == i))
            {
                engine.OnRegime("trend", regime);
            }

            foreach (var (_, value, strategy) in signals.Where(s => s.Bar == i))
            {
                var before = targets.GetValueOrDefault(strategy);
                targets[strategy] = value;
                engine.OnSignal(new SignalEvent(strategy, Spy, i, bars[i].Time + 86_400_000L, bars[i], before, value));
            }

            engine.EndOfSlice();
        }

        return engine.Finish();
    }

    [Fact]
    public void A_long_round_trip_fills_at_the_next_open_by_default()
    {
        var result = Run(Config(), Rising, [(1, 1, "s"), (4, 0, "s")]);

        // Buy 10,000 / 103 at bar 2's open, sell at bar 5's open (110): 97.0874 x 7 = 679.61.
        var trade = Assert.Single(result.Trades);
        Assert.Equal(10_000 / 103.0, trade.Quantity, 9);
        Assert.Equal(103, trade.EntryPrice);
        Assert.Equal(110, trade.ExitPrice);
        Assert.Equal(10_000 / 103.0 * 7, trade.Pnl, 9);
        Assert.Equal(10_000 + (10_000 / 103.0 * 7), result.FinalEquity, 9);
        Assert.Equal(10_000 / 103.0 * 105, result.Equity[2], 9); // marked at bar 2's close
        Assert.Empty(result.OpenPositions);
        Assert.Equal(1, result.Metrics.TradeCount);
        Assert.Equal(1, result.Metrics.WinRate);
    }

    [Fact]
    public void With_signal_close_timing_orders_fill_at_the_signal_bar_close()
    {
        var result = Run(Config(FillTiming.SignalClose), Rising, [(1, 1, "s"), (4, 0, "s")]);

        var trade = Assert.Single(result.Trades);
        Assert.Equal(102, trade.EntryPrice);
        Assert.Equal(108, trade.ExitPrice);
        Assert.Equal(10_000 / 102.0 * 6, trade.Pnl, 9);
    }

    [Fact]
    public void A_reversal_closes_first_and_sizes_the_new_side_on_the_equity_after_the_close()
    {
        var result = Run(Config(FillTiming.SignalClose), Rising, [(1, 1, "s"), (3, -1, "s")]);

        var closed = Assert.Single(result.Trades);
        var afterClose = 10_000 + (10_000 / 102.0 * 4);           // long from 102 to 106
        Assert.Equal(10_000 / 102.0 * 4, closed.Pnl, 9);
        var open = Assert.Single(result.OpenPositions);          // still short at the end: marked, not closed
        Assert.Equal(-afterClose / 106, open.Quantity, 9);
        Assert.Equal(109, open.Mark);
        Assert.Equal(afterClose - (afterClose / 106 * 3), result.FinalEquity, 9); // short from 106 to 109
    }

    [Fact]
    public void A_stop_loss_exits_between_signals_at_its_level()
    {
        // Long at 102; the 5% stop is 96.9; bar 3 trades down to 95.5.
        var bars = Bars((100, 100), (100, 102), (101, 100), (99, 96), (97, 98));
        var result = Run(Config(FillTiming.SignalClose, risk: new RiskLimits(StopLoss: 0.05)), bars, [(1, 1, "s")]);

        var trade = Assert.Single(result.Trades);
        Assert.Equal(102 * 0.95, trade.ExitPrice, 9);
        Assert.Empty(result.OpenPositions);
    }

    [Fact]
    public void Outside_the_allowed_regimes_opening_is_refused_and_closing_is_honoured()
    {
        var filter = new RegimeFilter("trend", new HashSet<string> { "UP" });

        // +1 arrives while DOWN: ignored. -1 in UP at bar 3 opens a short. Regime turns DOWN at bar 4; the close at bar 5 is honoured.
        var result = Run(
            Config(FillTiming.SignalClose, filter: filter),
            Rising,
            [(1, 1, "s"), (3, -1, "s"), (5, 0, "s")],
            [(0, "DOWN"), (2, "UP"), (4, "DOWN")]);

        var trade = Assert.Single(result.Trades);
        Assert.True(trade.Quantity < 0);
        Assert.Equal(106, trade.EntryPrice);
        Assert.Equal(109, trade.ExitPrice);
        Assert.Equal("UP", trade.RegimeAtOpen);
        Assert.Equal("DOWN", trade.RegimeAtClose);
        Assert.Equal(1, result.BoundaryTrades);
    }

    [Fact]
    public void A_reversal_outside_the_allowed_regimes_only_closes()
    {
        var filter = new RegimeFilter("trend", new HashSet<string> { "UP" });

        var result = Run(Config(FillTiming.SignalClose, filter: filter), Rising, [(1, 1, "s"), (3, -1, "s")], [(0, "UP"), (2, "DOWN")]);

        Assert.Single(result.Trades);
        Assert.Empty(result.OpenPositions);
    }

    [Fact]
    public void On_regime_exit_close_closes_when_the_regime_leaves_the_allowed_set()
    {
        var hold = new RegimeFilter("trend", new HashSet<string> { "UP" });
        var close = hold with { OnExit = RegimeExit.Close };

        var held = Run(Config(FillTiming.SignalClose, filter: hold), Rising, [(1, 1, "s")], [(0, "UP"), (3, "DOWN")]);
        var closed = Run(Config(FillTiming.SignalClose, filter: close), Rising, [(1, 1, "s")], [(0, "UP"), (3, "DOWN")]);

        Assert.Empty(held.Trades);
        Assert.Single(held.OpenPositions);
        var trade = Assert.Single(closed.Trades);
        Assert.Equal(106, trade.ExitPrice); // closed at the close of the bar where the regime turned
        Assert.Empty(closed.OpenPositions);
    }

    [Fact]
    public void In_a_regime_adaptive_portfolio_each_strategy_trades_only_in_its_own_regimes()
    {
        var filter = new RegimeFilter("trend", new HashSet<string> { "UP", "DOWN" }, RegimeExit.Close);
        var config = Config(
            FillTiming.SignalClose,
            filter: filter,
            assignments: [new StrategyAssignment("a", Spy, 1, new HashSet<string> { "UP" }), new StrategyAssignment("b", Spy, 1, new HashSet<string> { "DOWN" })]);

        // Both want long at bar 1 in UP: only a opens. The regime turns DOWN at bar 3: a leaves its regime and closes
        // at that close; b's wish from bar 1 was refused, so b opens only at its next signal, bar 4, in its regime.
        var result = Run(config, Rising, [(1, 1, "a"), (1, 1, "b"), (4, 0.5, "b")], [(0, "UP"), (3, "DOWN")]);

        var trade = Assert.Single(result.Trades);
        Assert.Equal(10_000 / 102.0, trade.Quantity, 9);
        Assert.Equal((102, 106), (trade.EntryPrice, trade.ExitPrice));
        Assert.Equal(("UP", "DOWN"), (trade.RegimeAtOpen, trade.RegimeAtClose));
        var equity = 10_000 + (10_000 / 102.0 * 4);
        Assert.Equal(0.5 * equity / 108, Assert.Single(result.OpenPositions).Quantity, 9);
    }

    [Fact]
    public void A_strategy_with_its_own_regimes_needs_the_portfolio_to_follow_a_classifier_that_allows_them()
    {
        StrategyAssignment up = new("a", Spy, 1, new HashSet<string> { "UP" });

        var unfiltered = Assert.Throws<ArgumentException>(() => Config(assignments: [up]).Validate());
        var outside = Assert.Throws<ArgumentException>(() => Config(filter: new RegimeFilter("trend", new HashSet<string> { "DOWN" }), assignments: [up]).Validate());

        Assert.Equal("Portfolio 'p': strategy a trades in its own regimes, but the portfolio follows no classifier (it has no regime filter).", unfiltered.Message);
        Assert.Equal("Portfolio 'p': strategy a trades in regimes [UP], which must be some of those its filter on 'trend' allows: [DOWN].", outside.Message);
    }

    [Fact]
    public void A_strategy_may_be_assigned_again_only_for_other_regimes_and_then_trades_each_weight_in_its_own()
    {
        var filter = new RegimeFilter("trend", new HashSet<string> { "UP", "DOWN" }, RegimeExit.Close);
        StrategyAssignment up = new("a", Spy, 1, new HashSet<string> { "UP" });

        var overlapping = Assert.Throws<ArgumentException>(() => Config(filter: filter, assignments: [up, up with { Weight = 0.5 }]).Validate());
        var twice = Config(FillTiming.SignalClose, filter: filter, assignments: [up, new StrategyAssignment("a", Spy, 0.5, new HashSet<string> { "DOWN" })]);

        // Long at bar 1 in UP at weight 1; the regime turns DOWN at bar 3 and the UP assignment closes; a's next signal
        // (bar 4, DOWN) opens at weight 0.5.
        var result = Run(twice, Rising, [(1, 1, "a"), (4, 1, "a")], [(0, "UP"), (3, "DOWN")]);

        Assert.Equal("Portfolio 'p' assigns strategy a more than once in one regime.", overlapping.Message);
        Assert.Equal((102, 106), (Assert.Single(result.Trades).EntryPrice, result.Trades[0].ExitPrice));
        Assert.Equal(0.5 * (10_000 + (10_000 / 102.0 * 4)) / 108, Assert.Single(result.OpenPositions).Quantity, 9);
    }

    [Fact]
    public void Fixed_fraction_with_costs_never_takes_cash_below_zero()
    {
        var costs = new ExecutionModel(FillTiming.SignalClose, CommissionBps: 10, CommissionPerUnit: 0.01, SlippageBps: 5);

        var result = Run(Config(execution: costs), Rising, [(1, 1, "s")]);

        // All-in at 102 with costs: equity at the buy is the position's value less the round of costs.
        var position = Assert.Single(result.OpenPositions).Quantity;
        var fill = costs.Execute(position, 102);
        Assert.True(10_000 + fill.CashFlow >= -1e-9, $"cash went to {10_000 + fill.CashFlow}");
    }

    [Fact]
    public void A_clipped_order_is_traced_as_a_risk_reject_with_its_reason()
    {
        var result = Run(
            Config(FillTiming.SignalClose, risk: new RiskLimits(MaxPositionFraction: 0.5), tracing: TraceRetention.All),
            Rising,
            [(1, 1, "s")]);

        Assert.Equal(1, result.RiskRejects);
        var reject = Assert.Single(result.Events, e => e.Kind == "RISK_REJECT");
        Assert.Contains("max_position", reject.Detail);
        Assert.Equal(0.5 * 10_000 / 102, Assert.Single(result.OpenPositions).Quantity, 9);
    }

    [Fact]
    public void A_drawdown_halt_liquidates_and_refuses_new_positions()
    {
        var bars = Bars((100, 100), (100, 100), (100, 75), (75, 76), (76, 90), (90, 95));
        var result = Run(
            Config(FillTiming.SignalClose, risk: new RiskLimits(MaxDrawdownHalt: 0.2)),
            bars,
            [(1, 1, "s"), (3, 0, "s"), (4, 1, "s")]);

        var trade = Assert.Single(result.Trades);
        Assert.Equal(75, trade.ExitPrice); // liquidated at the close where equity was 25% down
        Assert.Empty(result.OpenPositions);
        Assert.True(result.RiskRejects >= 1);
    }

    [Theory]
    [InlineData(TraceRetention.All, 9)]          // open (ORDER, FILL, POSITION_OPEN), close (ORDER, FILL, POSITION_CLOSE), open again
    [InlineData(TraceRetention.TradeComplete, 3)] // only the still-open trade's ORDER, FILL, POSITION_OPEN
    [InlineData(TraceRetention.None, 0)]
    public void Trace_retention_keeps_all_open_trade_or_no_events(TraceRetention retention, int expected)
    {
        // Long 1 -> flat 3 -> long 4 (still open).
        var result = Run(Config(FillTiming.SignalClose, tracing: retention), Rising, [(1, 1, "s"), (3, 0, "s"), (4, 1, "s")]);

        Assert.Equal(expected, result.Events.Count);
    }

    [Fact]
    public void Two_strategies_on_one_symbol_net_into_one_position()
    {
        var config = Config(FillTiming.SignalClose, assignments: [new StrategyAssignment("a", Spy, 0.5), new StrategyAssignment("b", Spy, 0.5)]);

        var result = Run(config, Rising, [(1, 1, "a"), (2, 1, "b"), (3, 0, "a")]);

        var first = 0.5 * 10_000 / 102;                                 // a: half of equity at 102
        var equityAt2 = 10_000 + (first * 3);                          // a's half gained 3 by bar 2's close
        var second = 0.5 * equityAt2 / 105;                             // b: half of equity at 105
        Assert.Equal(second, Assert.Single(result.OpenPositions).Quantity, 9); // a closed at 106: b's part remains
        Assert.Empty(result.Trades);                                    // one netted position, reduced but never flat
    }

    [Fact]
    public void The_order_bars_are_handed_in_changes_nothing_and_open_fills_see_only_previous_closes()
    {
        var qqq = SeriesId.Parse("QQQ_1d");
        var config = Config(assignments: [new StrategyAssignment("a", Spy, 0.5), new StrategyAssignment("b", qqq, 0.5)]);
        var spyBars = Bars((100, 100), (100, 110), (110, 120), (120, 125));
        var qqqBars = Bars((50, 50), (50, 50), (50, 60), (60, 61));

        PortfolioResult Drive(bool spyFirst)
        {
            var engine = new PortfolioEngine(config);
            for (var i = 0; i < spyBars.Length; i++)
            {
                if (spyFirst)
                {
                    engine.OnBar(Spy, spyBars[i]);
                    engine.OnBar(qqq, qqqBars[i]);
                }
                else
                {
                    engine.OnBar(qqq, qqqBars[i]);
                    engine.OnBar(Spy, spyBars[i]);
                }

                if (i == 0)
                {
                    engine.OnSignal(new SignalEvent("a", Spy, 0, 0, spyBars[0], 0, 1));
                }

                if (i == 1)
                {
                    engine.OnSignal(new SignalEvent("b", qqq, 1, 0, qqqBars[1], 0, 1));
                }

                engine.EndOfSlice();
            }

            return engine.Finish();
        }

        var spyFirst = Drive(spyFirst: true);
        var qqqFirst = Drive(spyFirst: false);

        Assert.Equal(PortfolioDigest.Of(spyFirst), PortfolioDigest.Of(qqqFirst));
        // a buys half of 10,000 at SPY's open of bar 1 (100): 50 shares, 5,000 cash left. b fills at QQQ's open of
        // bar 2 (50), sized on equity with SPY at bar 1's close (110), not bar 2's (120): 5,000 + 50 x 110 = 10,500.
        var spyShares = 0.5 * 10_000 / 100;
        var equityAtOpen = 5_000 + (spyShares * 110);
        var qqqPosition = spyFirst.OpenPositions.Single(p => p.Symbol == "QQQ").Quantity;
        Assert.Equal(0.5 * equityAtOpen / 50, qqqPosition, 9);
    }
}
