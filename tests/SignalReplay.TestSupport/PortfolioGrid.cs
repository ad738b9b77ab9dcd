using SignalReplay.Core.Generation;
using SignalReplay.Core.Portfolio;

namespace SignalReplay.TestSupport;

/// <summary>
/// 72 portfolio configurations for isomorphism tests: 4 sizings x 3 risk settings x 2 executions x 3
/// regime filters, each trading two of the given strategies with weights 0.6 and 0.4, trace policies rotating.
/// </summary>
public static class PortfolioGrid
{
    public static IReadOnlyList<PortfolioConfig> Build(IReadOnlyList<Strategy> strategies)
    {
        Sizing[] sizings = [new FixedFractionSizing(0.5), new FixedFractionSizing(1) { WholeUnits = true }, new FixedQuantitySizing(10), new VolatilityTargetSizing(0.001)];
        RiskLimits[] risks = [RiskLimits.None, new RiskLimits(StopLoss: 0.01, TakeProfit: 0.02), new RiskLimits(MaxPositionFraction: 0.6, MaxDrawdownHalt: 0.05)];
        ExecutionModel[] executions = [ExecutionModel.Default, new ExecutionModel(FillTiming.SignalClose, CommissionBps: 2, CommissionPerUnit: 0.005, SlippageBps: 1)];
        RegimeFilter?[] filters =
        [
            null,
            new RegimeFilter("trend", new HashSet<string> { "TRENDING_UP", "NEUTRAL" }),
            new RegimeFilter("trend", new HashSet<string> { "TRENDING_UP" }, RegimeExit.Close),
        ];

        var grid = new List<PortfolioConfig>();
        foreach (var sizing in sizings)
        {
            foreach (var risk in risks)
            {
                foreach (var execution in executions)
                {
                    foreach (var filter in filters)
                    {
                        var i = grid.Count;
                        var first = strategies[i % strategies.Count];
                        var second = strategies[(i + 2) % strategies.Count];
                        grid.Add(new PortfolioConfig(
                            $"p{i}",
                            [new StrategyAssignment(first.InstanceId, first.Primary, 0.6), new StrategyAssignment(second.InstanceId, second.Primary, 0.4)],
                            sizing,
                            execution,
                            risk,
                            filter,
                            Tracing: (TraceRetention)(i % 3)));
                    }
                }
            }
        }

        return grid;
    }
}
