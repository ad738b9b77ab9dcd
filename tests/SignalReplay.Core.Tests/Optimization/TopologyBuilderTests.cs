using SignalReplay.Core.Optimization;
using SignalReplay.Core.Portfolio;
using PortfolioGrid = SignalReplay.Core.Optimization.PortfolioGrid;

namespace SignalReplay.Core.Tests.Optimization;

public sealed class TopologyBuilderTests
{
    private static readonly SeriesId Spy = SeriesId.Parse("SPY_1m");

    private static RunConfig Config(PortfolioGrid? grid = null) => new(
        "t",
        new DataSection("d", [Spy]),
        [new ClassifierSection("trend", [Spy], new Dictionary<string, double>())],
        [
            new StrategySection("momentum", [Spy], [KeyValuePair.Create("fast", (IReadOnlyList<double>)[5, 10]), KeyValuePair.Create("slow", (IReadOnlyList<double>)[50])]),
            new StrategySection("breakout", [Spy], []),
        ],
        grid ?? PortfolioGrid.Default,
        [new PhaseSection("grid", PhaseKind.Grid, Objective.Parse("sharpe"))],
        TraceRetention.None,
        RetentionDays.Default);

    [Fact]
    public void Every_combination_of_parameter_lists_is_one_strategy_instance_in_written_order()
    {
        var strategies = TopologyBuilder.Strategies(Config());

        Assert.Equal(
            ["momentum(fast=5,slow=50,long_only=0)@SPY_1m", "momentum(fast=10,slow=50,long_only=0)@SPY_1m", "breakout(length=20,long_only=0)@SPY_1m"],
            strategies.Select(s => s.InstanceId));
    }

    [Fact]
    public void Portfolio_ids_are_readable_and_name_every_setting_that_is_not_a_default()
    {
        var grid = PortfolioGrid.Default with
        {
            Sizing = [new FixedFractionSizing(0.5)],
            StopLoss = [null, 0.02],
            Execution = [new ExecutionModel(CommissionBps: 1)],
        };

        var ids = TopologyBuilder.Grid(Config(grid)).Select(p => p.Id).ToList();

        Assert.Equal(6, ids.Count);
        Assert.Equal("momentum(fast=10,slow=50,long_only=0)@SPY_1m|ff=0.5|cbps=1|sl=0.02", ids[3]);
        Assert.Equal(ids.Count, ids.Distinct().Count());
    }

    [Fact]
    public void The_grid_is_the_same_list_every_time()
    {
        Assert.Equal(TopologyBuilder.Grid(Config()).Select(p => p.Id), TopologyBuilder.Grid(Config()).Select(p => p.Id));
    }

    [Fact]
    public void A_grid_listing_a_value_twice_is_refused_by_its_id()
    {
        var grid = PortfolioGrid.Default with { StopLoss = [0.01, 0.01] };

        var error = Assert.Throws<ArgumentException>(() => TopologyBuilder.Grid(Config(grid)));

        Assert.Contains("|sl=0.01", error.Message);
    }
}
