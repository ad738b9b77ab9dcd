namespace SignalReplay.Core.Features;

/// <summary>
/// Wilder's smoothing (alpha = 1/n) seeded with the plain mean of the first n inputs:
/// the shared core of RSI and ATR.
/// </summary>
internal sealed class WilderAverage(int length)
{
    private DoubleDouble _seedSum;
    private int _count;

    public bool IsReady => _count >= length;

    public double Value { get; private set; }

    public void Push(double value)
    {
        _count++;
        if (_count < length)
        {
            _seedSum += value;
        }
        else if (_count == length)
        {
            Value = ((_seedSum + value) / length).Value;
        }
        else
        {
            Value = ((Value * (length - 1)) + value) / length;
        }
    }
}

/// <summary>
/// Relative strength index with Wilder smoothing over close-to-close changes from the second
/// bar, so its first value is at bar n. With no losses it is 100, with no moves at all 50.
/// </summary>
public sealed class Rsi : IBarFeature
{
    private readonly WilderAverage _gain;
    private readonly WilderAverage _loss;
    private double? _previousClose;

    public Rsi(int length)
    {
        FeatureArguments.RequirePositive(length, "rsi", "length");
        Length = length;
        _gain = new WilderAverage(length);
        _loss = new WilderAverage(length);
    }

    public int Length { get; }

    public bool IsReady => _gain.IsReady;

    public double Value => !IsReady ? double.NaN
        : _loss.Value == 0 ? (_gain.Value == 0 ? 50 : 100)
        : 100 - (100 / (1 + (_gain.Value / _loss.Value)));

    public void Update(in Bar bar)
    {
        if (_previousClose is { } previous)
        {
            var change = bar.Close - previous;
            _gain.Push(Math.Max(change, 0));
            _loss.Push(Math.Max(-change, 0));
        }

        _previousClose = bar.Close;
    }
}

/// <summary>
/// Average true range with Wilder smoothing; true ranges start at the second bar (they need the
/// previous close), so the first value is at bar n.
/// </summary>
public sealed class Atr : IBarFeature
{
    private readonly WilderAverage _average;
    private double? _previousClose;

    public Atr(int length)
    {
        FeatureArguments.RequirePositive(length, "atr", "length");
        Length = length;
        _average = new WilderAverage(length);
    }

    public int Length { get; }

    public bool IsReady => _average.IsReady;

    public double Value => IsReady ? _average.Value : double.NaN;

    public void Update(in Bar bar)
    {
        if (_previousClose is { } previous)
        {
            _average.Push(TrueRange(bar, previous));
        }

        _previousClose = bar.Close;
    }

    public static double TrueRange(in Bar bar, double previousClose) =>
        Math.Max(bar.High - bar.Low, Math.Max(Math.Abs(bar.High - previousClose), Math.Abs(bar.Low - previousClose)));
}
