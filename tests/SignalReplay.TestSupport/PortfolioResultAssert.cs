using SignalReplay.Core.Portfolio;

namespace SignalReplay.TestSupport;

/// <summary>Two portfolio runs that must be the same bits: trades, equity, metrics, open positions, events, counts.</summary>
public static class PortfolioResultAssert
{
    public static void Identical(PortfolioResult expected, PortfolioResult actual)
    {
        Assert.Equal(expected.PortfolioId, actual.PortfolioId);
        Assert.Equal(expected.Trades, actual.Trades);
        Assert.Equal(expected.EquityTime, actual.EquityTime);
        Assert.Equal(expected.Equity.Select(BitConverter.DoubleToInt64Bits), actual.Equity.Select(BitConverter.DoubleToInt64Bits));
        Assert.Equal(expected.Metrics, actual.Metrics);
        Assert.Equal(PortfolioDigest.Of(expected), PortfolioDigest.Of(actual));
        Assert.Equal(expected.OpenPositions, actual.OpenPositions);
        Assert.Equal(expected.Events, actual.Events);
        Assert.Equal(expected.BoundaryTrades, actual.BoundaryTrades);
        Assert.Equal(expected.RiskRejects, actual.RiskRejects);
        Assert.Equal(BitConverter.DoubleToInt64Bits(expected.FinalEquity), BitConverter.DoubleToInt64Bits(actual.FinalEquity));
    }
}
