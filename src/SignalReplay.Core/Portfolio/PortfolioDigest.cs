using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace SignalReplay.Core.Portfolio;

/// <summary>
/// A SHA-256 over everything a portfolio run produced (trades, equity marks, metrics, open positions,
/// events), in a fixed binary layout: two runs with the same digest produced the same bits.
/// </summary>
public static class PortfolioDigest
{
    public static string Of(PortfolioResult result)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var eight = new byte[8];
        void Long(long value)
        {
            BinaryPrimitives.WriteInt64LittleEndian(eight, value);
            hash.AppendData(eight);
        }

        void Number(double value) => Long(BitConverter.DoubleToInt64Bits(value));
        void Text(string? value)
        {
            var bytes = Encoding.UTF8.GetBytes(value ?? "\u0000");
            Long(bytes.Length);
            hash.AppendData(bytes);
        }

        Text(result.PortfolioId);
        Long(result.Trades.Count);
        foreach (var trade in result.Trades)
        {
            Text(trade.Symbol);
            Long(trade.EntryTime);
            Long(trade.ExitTime);
            Number(trade.Quantity);
            Number(trade.EntryPrice);
            Number(trade.ExitPrice);
            Number(trade.Pnl);
            Text(trade.RegimeAtOpen);
            Text(trade.RegimeAtClose);
        }

        Long(result.Equity.Length);
        for (var i = 0; i < result.Equity.Length; i++)
        {
            Long(result.EquityTime[i]);
            Number(result.Equity[i]);
        }

        var metrics = result.Metrics;
        foreach (var name in PerformanceMetrics.Names)
        {
            Number(metrics.Get(name));
        }

        Long(result.OpenPositions.Count);
        foreach (var position in result.OpenPositions)
        {
            Text(position.Symbol);
            Number(position.Quantity);
            Number(position.AverageEntry);
            Number(position.Mark);
        }

        Long(result.Events.Count);
        foreach (var traced in result.Events)
        {
            Text(traced.Kind);
            Long(traced.Time);
            Text(traced.Symbol);
            Number(traced.Quantity);
            Number(traced.Price);
            Text(traced.Detail);
        }

        Long(result.BoundaryTrades);
        Long(result.RiskRejects);
        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }
}
