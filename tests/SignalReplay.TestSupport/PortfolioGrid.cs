using SignalReplay.Core.Generation;
using SignalReplay.Core.Portfolio;

namespace SignalReplay.TestSupport;

/// <summary>
/// 96 portfolio configurations for isomorphism tests: 4 sizings x 3 risk settings x 2 executions x 4
/// regime filters, each trading two of the given strategies with weights 0.6 and 0.4, trace policies rotating.
/// The fourth filter is regime-adaptive: the first strategy trades in TRENDING_UP at 0.6 and in NEUTRAL at 0.3, the
/// second in TRENDING_DOWN and NEUTRAL, and a strategy leaving its regimes closes.
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
            new RegimeFilter("trend", new HashSet<string> { "TRENDING_UP", "TRENDING_DOWN", "NEUTRAL" }, RegimeExit.Close),
        ];
        HashSet<string>?[] adaptive = [["TRENDING_UP"], ["TRENDING_DOWN", "NEUTRAL"]];

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
                        var own = filter?.Allowed.Count == 3 ? adaptive : [null, null];
                        List<StrategyAssignment> assignments = [new(first.InstanceId, first.Primary, 0.6, own[0]), new(second.InstanceId, second.Primary, 0.4, own[1])];
                        if (own[0] is not null)
                        {
                            assignments.Add(new(first.InstanceId, first.Primary, 0.3, new HashSet<string> { "NEUTRAL" })); // the first again, at another weight
                        }

                        grid.Add(new PortfolioConfig(
                            $"p{i}",
                            assignments,
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
