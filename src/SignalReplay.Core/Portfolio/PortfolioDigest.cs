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
        var hash = new HashWriter();
        void Long(long value) => hash.Long(value);
        void Number(double value) => hash.Long(BitConverter.DoubleToInt64Bits(value));
        void Text(string? value) => hash.Text(value ?? "\u0000");

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
        return hash.Finish();
    }

    /// <summary>
    /// Feeds the hash through a buffer: a sweep digests hundreds of thousands of trades, and one hash
    /// call per eight-byte field cost more than the replay itself. The bytes hashed are the same.
    /// </summary>
    private sealed class HashWriter
    {
        private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        private readonly byte[] _buffer = new byte[16 * 1024];
        private int _used;

        public void Long(long value)
        {
            Reserve(sizeof(long));
            BinaryPrimitives.WriteInt64LittleEndian(_buffer.AsSpan(_used), value);
            _used += sizeof(long);
        }

        /// <summary>The UTF-8 length as a long, then the bytes.</summary>
        public void Text(string value)
        {
            var length = Encoding.UTF8.GetByteCount(value);
            Long(length);
            if (length > _buffer.Length)
            {
                Flush();
                _hash.AppendData(Encoding.UTF8.GetBytes(value));
                return;
            }

            Reserve(length);
            _used += Encoding.UTF8.GetBytes(value, _buffer.AsSpan(_used));
        }

        public string Finish()
        {
            Flush();
            using (_hash)
            {
                return Convert.ToHexStringLower(_hash.GetHashAndReset());
            }
        }

        private void Reserve(int bytes)
        {
            if (_used + bytes > _buffer.Length)
            {
                Flush();
            }
        }

        private void Flush()
        {
            _hash.AppendData(_buffer, 0, _used);
            _used = 0;
        }
    }
}
