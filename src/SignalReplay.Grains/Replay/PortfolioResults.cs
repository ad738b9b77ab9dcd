using SignalReplay.Abstractions;
using SignalReplay.Core.Portfolio;

namespace SignalReplay.Grains.Replay;

/// <summary>A portfolio's result to and from the wire, every number kept bit for bit.</summary>
public static class PortfolioResults
{
    public static PortfolioDetail ToDetail(PortfolioResult result) => new(
        [.. PerformanceMetrics.Names.Select(result.Metrics.Get)],
        [.. result.Trades.Select(t => new TradeWire(t.Symbol, t.EntryTime, t.ExitTime, t.Quantity, t.EntryPrice, t.ExitPrice, t.Pnl, t.RegimeAtOpen, t.RegimeAtClose))],
        [.. result.OpenPositions.Select(p => new OpenPositionWire(p.Symbol, p.Quantity, p.AverageEntry, p.Mark))],
        [.. result.Events.Select(e => new TraceEventWire(e.Kind, e.Time, e.Symbol, e.Quantity, e.Price, e.Detail))],
        result.EquityTime,
        result.Equity,
        result.FinalEquity,
        result.BoundaryTrades,
        result.RiskRejects);

    /// <exception cref="ArgumentException">The summary carries no detail (the replay was not asked for it).</exception>
    public static PortfolioResult ToResult(PortfolioSummary summary)
    {
        var detail = summary.Detail ?? throw new ArgumentException($"Portfolio '{summary.PortfolioId}' was replayed without details.");
        var m = detail.Metrics;
        return new PortfolioResult(
            summary.PortfolioId,
            new PerformanceMetrics(m[0], m[1], m[2], m[3], m[4], m[5], m[6], m[7], (int)m[8], m[9], m[10], m[11]),
            [.. detail.Trades.Select(t => new ClosedTrade(t.Symbol, t.EntryTime, t.ExitTime, t.Quantity, t.EntryPrice, t.ExitPrice, t.Pnl)
            {
                RegimeAtOpen = t.RegimeAtOpen,
                RegimeAtClose = t.RegimeAtClose,
            })],
            [.. detail.OpenPositions.Select(p => new OpenPosition(p.Symbol, p.Quantity, p.AverageEntry, p.Mark))],
            [.. detail.Events.Select(e => new TraceEvent(e.Kind, e.Time, e.Symbol, e.Quantity, e.Price, e.Detail))],
            detail.EquityTime,
            detail.Equity,
            detail.FinalEquity,
            detail.BoundaryTrades,
            detail.RiskRejects);
    }
}
