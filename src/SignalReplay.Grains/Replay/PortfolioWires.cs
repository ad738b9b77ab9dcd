using SignalReplay.Abstractions;
using SignalReplay.Core.Portfolio;

namespace SignalReplay.Grains.Replay;

/// <summary>Portfolio configurations to and from their wire form; unknown names are refused by field.</summary>
public static class PortfolioWires
{
    public static PortfolioConfig ToConfig(PortfolioWire wire)
    {
        Sizing sizing = wire.Sizing switch
        {
            "fixed_fraction" => new FixedFractionSizing(wire.SizingValue),
            "fixed_quantity" => new FixedQuantitySizing(wire.SizingValue),
            "volatility_target" => new VolatilityTargetSizing(wire.SizingValue),
            _ => throw new ArgumentException($"Portfolio '{wire.Id}': sizing '{wire.Sizing}' is not fixed_fraction, fixed_quantity or volatility_target."),
        };
        var timing = wire.FillTiming switch
        {
            "next_open" => FillTiming.NextOpen,
            "signal_close" => FillTiming.SignalClose,
            _ => throw new ArgumentException($"Portfolio '{wire.Id}': fill '{wire.FillTiming}' is not next_open or signal_close."),
        };
        var tracing = wire.Tracing switch
        {
            "all" => TraceRetention.All,
            "trade_complete" => TraceRetention.TradeComplete,
            "none" => TraceRetention.None,
            _ => throw new ArgumentException($"Portfolio '{wire.Id}': tracing '{wire.Tracing}' is not all, trade_complete or none."),
        };
        var exit = wire.OnRegimeExit switch
        {
            "hold" => RegimeExit.Hold,
            "close" => RegimeExit.Close,
            _ => throw new ArgumentException($"Portfolio '{wire.Id}': on_regime_exit '{wire.OnRegimeExit}' is not hold or close."),
        };
        return new PortfolioConfig(
            wire.Id,
            [.. wire.Assignments.Select(a => new StrategyAssignment(a.StrategyInstance, SeriesId.Parse(a.Series), a.Weight))],
            sizing with { WholeUnits = wire.WholeUnits },
            new ExecutionModel(timing, wire.CommissionBps, wire.CommissionPerUnit, wire.SlippageBps),
            new RiskLimits(wire.MaxPositionFraction, wire.MaxGrossExposure, wire.StopLoss, wire.TakeProfit, wire.MaxDrawdownHalt),
            wire.RegimeClassifier is { } classifier ? new RegimeFilter(classifier, wire.AllowedRegimes.ToHashSet(), exit) : null,
            wire.StartingCash,
            tracing,
            wire.VolatilityLookback,
            wire.WindowFrom is { } from && wire.WindowTo is { } to ? new TradingWindow(from, to) : null).Validate();
    }

    public static PortfolioWire FromConfig(PortfolioConfig config) => new(
        config.Id,
        [.. config.Assignments.Select(a => new AssignmentWire(a.StrategyInstance, a.Series.ToString(), a.Weight))],
        config.Sizing switch
        {
            FixedFractionSizing => "fixed_fraction",
            FixedQuantitySizing => "fixed_quantity",
            _ => "volatility_target",
        },
        config.Sizing switch
        {
            FixedFractionSizing f => f.Fraction,
            FixedQuantitySizing q => q.Units,
            VolatilityTargetSizing v => v.TargetBarVolatility,
            _ => throw new ArgumentException($"Portfolio '{config.Id}': sizing {config.Sizing} has no wire form."),
        },
        config.Sizing.WholeUnits,
        config.Execution.Timing == FillTiming.NextOpen ? "next_open" : "signal_close",
        config.Execution.CommissionBps,
        config.Execution.CommissionPerUnit,
        config.Execution.SlippageBps,
        config.Risk.MaxPositionFraction,
        config.Risk.MaxGrossExposure,
        config.Risk.StopLoss,
        config.Risk.TakeProfit,
        config.Risk.MaxDrawdownHalt,
        config.RegimeFilter?.Classifier,
        config.RegimeFilter is { } filter ? [.. filter.Allowed.Order(StringComparer.Ordinal)] : [],
        config.RegimeFilter?.OnExit == RegimeExit.Close ? "close" : "hold",
        config.StartingCash,
        config.Tracing switch
        {
            TraceRetention.All => "all",
            TraceRetention.TradeComplete => "trade_complete",
            _ => "none",
        },
        config.VolatilityLookback,
        config.Window?.From,
        config.Window?.To);
}
