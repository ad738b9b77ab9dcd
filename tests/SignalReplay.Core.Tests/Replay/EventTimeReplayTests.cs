using SignalReplay.Core.Generation;
using SignalReplay.Core.Portfolio;
using SignalReplay.Core.Replay;
using SignalReplay.Core.Synthetic;

namespace SignalReplay.Core.Tests.Replay;

/// <summary>
/// SPEC 6: event time must give the per-bar loop's bits. A grid of single-series portfolios covering
/// every sizing, stops and take-profits long and short, drawdown halts, both fill timings, regime
/// filters with hold and close, trading windows and tracing, replayed in event time, against the
/// per-bar full mode and the per-bar replay.
/// </summary>
public sealed class EventTimeReplayTests
{
    private static readonly SeriesId A = SeriesId.Parse("SYNA_1m");

    private static (BarSeries Series, List<Strategy> Strategies, List<KeyValuePair<string, Classifier>> Classifiers) Case()
    {
        var market = SyntheticMarket.Generate(SyntheticMarketOptions.Default with { TradingDays = 20, Seed = 7 });
        return (
            market.Series.Single(s => s.Id == A),
            [
                DeciderCatalog.Strategy("momentum", [A], new Dictionary<string, double> { ["fast"] = 5, ["slow"] = 30 }),
                DeciderCatalog.Strategy("momentum", [A], new Dictionary<string, double> { ["fast"] = 12, ["slow"] = 80, ["long_only"] = 1 }),
                DeciderCatalog.Strategy("mean_reversion", [A]),
                DeciderCatalog.Strategy("breakout", [A], new Dictionary<string, double> { ["length"] = 30 }),
            ],
            [new("trend", DeciderCatalog.Classifier("trend", [A])), new("volatility", DeciderCatalog.Classifier("volatility", [A]))]);
    }

    private static List<PortfolioConfig> Grid(IReadOnlyList<Strategy> strategies, BarSeries series)
    {
        Sizing[] sizings = [new FixedFractionSizing(0.5), new FixedFractionSizing(1) { WholeUnits = true }, new FixedQuantitySizing(10), new VolatilityTargetSizing(0.001)];
        RiskLimits[] risks =
        [
            RiskLimits.None,
            new(StopLoss: 0.01, TakeProfit: 0.02),
            new(StopLoss: 0.002),
            new(MaxPositionFraction: 0.6, MaxDrawdownHalt: 0.02),
            new(MaxDrawdownHalt: 0.004),
        ];
        ExecutionModel[] executions = [ExecutionModel.Default, new(FillTiming.SignalClose, CommissionBps: 2, CommissionPerUnit: 0.005, SlippageBps: 1)];
        RegimeFilter?[] filters =
        [
            null,
            new("trend", new HashSet<string> { "TRENDING_UP", "NEUTRAL" }),
            new("trend", new HashSet<string> { "TRENDING_UP" }, RegimeExit.Close),
            new("trend", new HashSet<string> { "TRENDING_UP", "TRENDING_DOWN", "NEUTRAL" }, RegimeExit.Close), // regime-adaptive
        ];
        var day = 86_400_000L;
        var start = series.Time[0] - (series.Time[0] % day);
        TradingWindow?[] windows = [null, new(start + (6 * day), start + (16 * day) + (day / 2))];

        var grid = new List<PortfolioConfig>();
        foreach (var sizing in sizings)
        {
            foreach (var risk in risks)
            {
                foreach (var execution in executions)
                {
                    foreach (var filter in filters)
                    {
                        foreach (var window in windows)
                        {
                            var i = grid.Count;
                            var adaptive = filter?.Allowed.Count == 3;
                            List<StrategyAssignment> assignments = [new(strategies[i % strategies.Count].InstanceId, A, 0.6, adaptive ? new HashSet<string> { "TRENDING_UP" } : null)];
                            if (i % 3 == 0)
                            {
                                assignments.Add(new(strategies[(i + 1) % strategies.Count].InstanceId, A, 0.4, adaptive ? new HashSet<string> { "TRENDING_DOWN", "NEUTRAL" } : null));
                            }

                            if (adaptive)
                            {
                                assignments.Add(new(strategies[i % strategies.Count].InstanceId, A, 0.3, new HashSet<string> { "NEUTRAL" })); // the first again, at another weight
                            }

                            grid.Add(new PortfolioConfig($"p{i}", assignments, sizing, execution, risk, filter, Tracing: (TraceRetention)(i % 3), Window: window));
                        }
                    }
                }
            }
        }

        return grid;
    }

    [Fact]
    public void Event_time_replay_equals_the_per_bar_loop_bit_for_bit_over_a_grid_of_320()
    {
        var (series, strategies, classifiers) = Case();
        var set = SignalGeneration.Run([series], strategies, classifiers);
        var grid = Grid(strategies, series);

        var full = Backtest.Full([series], strategies, classifiers, grid);
        var perBar = Backtest.FromSignalSet([series], set, grid, eventTime: false);
        var eventTime = Backtest.FromSignalSet([series], set, grid);

        Assert.Equal(320, grid.Count);
        Assert.True(full.Sum(r => r.Trades.Count) > 2_000, "the grid should trade");
        Assert.Contains(full, r => r.RiskRejects > 0);
        Assert.Contains(full, r => r.Events.Any(e => e.Kind == "ORDER" && e.Detail == "stop"));
        foreach (var (expected, perBarResult, actual) in full.Zip(perBar, eventTime))
        {
            PortfolioResultAssert.Identical(expected, perBarResult);
            PortfolioResultAssert.Identical(expected, actual);
        }
    }

    [Fact]
    public void Stops_in_event_time_exit_at_the_same_bar_and_price_as_bar_by_bar_long_and_short()
    {
        var (series, strategies, classifiers) = Case();
        var set = SignalGeneration.Run([series], strategies, classifiers);
        var grid = strategies.Select((s, i) => new PortfolioConfig(
            $"stop{i}", [new StrategyAssignment(s.InstanceId, A)], new FixedFractionSizing(1), ExecutionModel.Default,
            new RiskLimits(StopLoss: 0.001, TakeProfit: 0.0015), Tracing: TraceRetention.All)).ToList();

        var full = Backtest.Full([series], strategies, classifiers, grid);
        var eventTime = Backtest.FromSignalSet([series], set, grid);

        var stops = full.SelectMany(r => r.Events).Where(e => e.Kind == "ORDER" && e.Detail == "stop").ToList();
        Assert.True(stops.Count > 100, $"{stops.Count} stop exits");
        Assert.Contains(stops, e => e.Quantity > 0); // a short covered
        Assert.Contains(stops, e => e.Quantity < 0); // a long sold
        foreach (var (expected, actual) in full.Zip(eventTime))
        {
            PortfolioResultAssert.Identical(expected, actual);
        }
    }

    [Fact]
    public void A_portfolio_trading_two_series_or_already_fed_bars_is_refused_event_time()
    {
        var (series, _, _) = Case();
        var table = new BarTable(series);
        var other = SeriesId.Parse("SYNB_1m");
        var twoSeries = new PortfolioEngine(new PortfolioConfig(
            "two", [new StrategyAssignment("x", A), new StrategyAssignment("y", other)], new FixedFractionSizing(1), ExecutionModel.Default, RiskLimits.None));
        var fed = new PortfolioEngine(new PortfolioConfig("fed", [new StrategyAssignment("x", A)], new FixedFractionSizing(1), ExecutionModel.Default, RiskLimits.None));
        fed.OnBar(A, series[0]);
        fed.EndOfSlice();

        Assert.Contains("does not trade SYNA_1m alone", Assert.Throws<ArgumentException>(() => twoSeries.UseEventTime(table)).Message);
        Assert.Contains("already seen bars", Assert.Throws<InvalidOperationException>(() => fed.UseEventTime(table)).Message);
    }

    [Fact]
    public void Events_must_come_in_bar_order()
    {
        var (series, _, _) = Case();
        var config = new PortfolioConfig("late", [new StrategyAssignment("x", A)], new FixedFractionSizing(1), ExecutionModel.Default, RiskLimits.None);
        var rows = new FeedRows<double>();
        var replay = new EventTimeReplay(new PortfolioEngine(config), new BarTable(series), [("x", rows)], regimes: null);
        replay.AdvanceTo(100);

        rows.Append([50], [1.0], through: long.MinValue, complete: false);

        Assert.Contains("an event at bar 50 arrived after bar 99 was applied", Assert.Throws<InvalidOperationException>(() => replay.AdvanceTo(200)).Message);
        var driver = new ReplayDriver(ReplayMarket.Of([series], new Dictionary<string, SeriesId>()), [config], keepDetail: true);
        Assert.Contains("No portfolio of this replay reads strategy 'y'", Assert.Throws<ArgumentException>(() => driver.Signals("y", [150], [1.0], 0, false)).Message);
    }

    [Fact]
    public void Feeds_that_arrive_in_batches_give_the_bits_of_feeds_known_at_once()
    {
        var (series, strategies, classifiers) = Case();
        var set = SignalGeneration.Run([series], strategies, classifiers);
        var grid = Grid(strategies, series);
        var whole = Backtest.FromSignalSet([series], set, grid);

        // The same rows in windows of a day, each promising its window's end, as the streams hand them over.
        var driver = new ReplayDriver(ReplayMarket.Of([series], set.ClassifierSeries), grid, keepDetail: true);
        var batched = new PortfolioResult[grid.Count];
        var day = 86_400_000L;
        for (var end = series.Time[0] - (series.Time[0] % day) + day; !driver.IsComplete; end += day)
        {
            var last = end > series.EndTime(series.Count - 1);
            foreach (var index in set.Signals.Where(i => driver.Strategies.Contains(i.StrategyInstance)))
            {
                var rows = Enumerable.Range(0, index.Count).Where(r => series.EndTime(index.BarIdx[r]) is var t && t <= end && t > end - day).ToArray();
                driver.Signals(index.StrategyInstance, [.. rows.Select(r => index.BarIdx[r])], [.. rows.Select(r => index.Value[r])], end, last);
            }

            foreach (var changes in set.ClassifierChanges.Where(c => driver.Classifiers.Contains(c.Classifier)))
            {
                var rows = Enumerable.Range(0, changes.Count).Where(r => series.EndTime(changes.BarIdx[r]) is var t && t <= end && t > end - day).ToArray();
                driver.Regimes(changes.Classifier, [.. rows.Select(r => changes.BarIdx[r])], [.. rows.Select(r => (string?)changes.NewRegime[r])], end, last);
            }

            driver.Advance((i, result) => batched[i] = result);
        }

        foreach (var (expected, actual) in whole.Zip(batched))
        {
            PortfolioResultAssert.Identical(expected, actual);
        }
    }

    [Fact]
    public void A_portfolio_kept_to_its_metrics_scores_the_same_bits_as_one_kept_whole()
    {
        var (series, strategies, classifiers) = Case();
        var set = SignalGeneration.Run([series], strategies, classifiers);
        var grid = Grid(strategies, series);
        var whole = Backtest.FromSignalSet([series], set, grid);
        var lean = new PortfolioResult[grid.Count];

        Backtest.Sweep([series], set, grid, keepDetail: false, (i, result) => lean[i] = result);

        Assert.True(whole.Sum(r => r.Trades.Count) > 100);
        foreach (var (expected, actual) in whole.Zip(lean))
        {
            Assert.Equal(expected.Metrics, actual.Metrics);
            Assert.Equal(BitConverter.DoubleToInt64Bits(expected.FinalEquity), BitConverter.DoubleToInt64Bits(actual.FinalEquity));
            Assert.Equal((expected.BoundaryTrades, expected.RiskRejects, expected.OpenPositions.Count), (actual.BoundaryTrades, actual.RiskRejects, actual.OpenPositions.Count));
            Assert.Empty(actual.Trades);
            Assert.Empty(actual.Equity);
            Assert.Empty(actual.Events);
        }
    }

    [Fact]
    public void A_portfolio_kept_to_its_metrics_and_trades_has_the_trades_of_one_kept_whole_and_nothing_else()
    {
        var (series, strategies, classifiers) = Case();
        var set = SignalGeneration.Run([series], strategies, classifiers);
        var grid = Grid(strategies, series);
        var whole = Backtest.FromSignalSet([series], set, grid);
        var driver = new ReplayDriver(ReplayMarket.Of([series], set.ClassifierSeries), grid, keepDetail: false, keepTrades: true);
        foreach (var signals in set.Signals.Where(i => driver.Strategies.Contains(i.StrategyInstance)))
        {
            driver.Signals(signals.StrategyInstance, signals.BarIdx, signals.Value, long.MaxValue, complete: true);
        }

        foreach (var changes in set.ClassifierChanges.Where(c => driver.Classifiers.Contains(c.Classifier)))
        {
            driver.Regimes(changes.Classifier, changes.BarIdx, changes.NewRegime, long.MaxValue, complete: true);
        }

        var traded = new PortfolioResult[grid.Count];
        driver.Advance((i, result) => traded[i] = result);

        Assert.True(whole.Sum(r => r.Trades.Count) > 100);
        foreach (var (expected, actual) in whole.Zip(traded))
        {
            Assert.Equal(expected.Metrics, actual.Metrics);
            Assert.Equal(expected.Trades, actual.Trades);
            Assert.Empty(actual.Equity);
            Assert.Empty(actual.Events);
        }
    }
}
