using System.Buffers.Binary;
using System.Security.Cryptography;

namespace SignalReplay.Core.Data;

/// <summary>
/// The bars of one series in columns; <c>bar_idx</c> is the row number. Immutable once built.
/// </summary>
public sealed class BarSeries
{
    private readonly long[] _time;
    private readonly double[] _open;
    private readonly double[] _high;
    private readonly double[] _low;
    private readonly double[] _close;
    private readonly double[] _volume;

    /// <summary>Takes ownership of the arrays: callers must not change them afterwards.</summary>
    public BarSeries(SeriesId id, long[] time, double[] open, double[] high, double[] low, double[] close, double[] volume)
    {
        var count = time.Length;
        if (open.Length != count || high.Length != count || low.Length != count || close.Length != count || volume.Length != count)
        {
            throw new ArgumentException($"Series {id}: every column must have {count} rows.");
        }

        Id = id;
        _time = time;
        _open = open;
        _high = high;
        _low = low;
        _close = close;
        _volume = volume;
    }

    public SeriesId Id { get; }

    public int Count => _time.Length;

    /// <summary>Bar start times, Unix milliseconds UTC, strictly increasing.</summary>
    public ReadOnlySpan<long> Time => _time;

    public ReadOnlySpan<double> Open => _open;

    public ReadOnlySpan<double> High => _high;

    public ReadOnlySpan<double> Low => _low;

    public ReadOnlySpan<double> Close => _close;

    public ReadOnlySpan<double> Volume => _volume;

    public Bar this[int index] => new(_time[index], _open[index], _high[index], _low[index], _close[index], _volume[index]);

    /// <summary>The instant bar <paramref name="index"/> ends and becomes visible.</summary>
    public long EndTime(int index) => Id.Timeframe.BarEnd(_time[index]);

    public static BarSeries FromBars(SeriesId id, IReadOnlyList<Bar> bars)
    {
        var count = bars.Count;
        var time = new long[count];
        var open = new double[count];
        var high = new double[count];
        var low = new double[count];
        var close = new double[count];
        var volume = new double[count];
        for (var i = 0; i < count; i++)
        {
            var bar = bars[i];
            time[i] = bar.Time;
            open[i] = bar.Open;
            high[i] = bar.High;
            low[i] = bar.Low;
            close[i] = bar.Close;
            volume[i] = bar.Volume;
        }

        return new BarSeries(id, time, open, high, low, close, volume);
    }

    /// <summary>
    /// SHA-256 (lower-case hex) of the bars' values in a fixed little-endian row layout,
    /// so the hash names the content whatever file encoding carried it.
    /// </summary>
    public string ContentHash()
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        Span<byte> row = stackalloc byte[6 * sizeof(long)];
        for (var i = 0; i < Count; i++)
        {
            BinaryPrimitives.WriteInt64LittleEndian(row, _time[i]);
            BinaryPrimitives.WriteDoubleLittleEndian(row[8..], _open[i]);
            BinaryPrimitives.WriteDoubleLittleEndian(row[16..], _high[i]);
            BinaryPrimitives.WriteDoubleLittleEndian(row[24..], _low[i]);
            BinaryPrimitives.WriteDoubleLittleEndian(row[32..], _close[i]);
            BinaryPrimitives.WriteDoubleLittleEndian(row[40..], _volume[i]);
            hash.AppendData(row);
        }

        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }
}
