namespace SignalReplay.Core.Features;

/// <summary>
/// Simple moving average of the close over <c>n</c> bars, first value at bar n-1: the double nearest the
/// exact mean of the window (an exact rolling sum), so two windows with the same mean give the same double.
/// </summary>
public sealed class Sma : IBarFeature
{
    private readonly RollingSum _window;

    public Sma(int length)
    {
        FeatureArguments.RequirePositive(length, "sma", "length");
        Length = length;
        _window = new RollingSum(length);
    }

    public int Length { get; }

    public bool IsReady => _window.IsFull;

    public double Value => IsReady ? _window.Mean : double.NaN;

    public void Update(in Bar bar) => _window.Push(bar.Close);
}

/// <summary>
/// Exponential moving average of the close, alpha = 2/(n+1), seeded with the SMA of the first n
/// closes at bar n-1 (SPEC 4).
/// </summary>
public sealed class Ema : IBarFeature
{
    private readonly double _alpha;
    private DoubleDouble _seedSum;
    private int _count;

    public Ema(int length)
    {
        FeatureArguments.RequirePositive(length, "ema", "length");
        Length = length;
        _alpha = 2.0 / (length + 1);
    }

    public int Length { get; }

    public bool IsReady => _count >= Length;

    public double Value { get; private set; } = double.NaN;

    public void Update(in Bar bar)
    {
        _count++;
        if (_count < Length)
        {
            _seedSum += bar.Close;
        }
        else if (_count == Length)
        {
            Value = ((_seedSum + bar.Close) / Length).Value;
        }
        else
        {
            Value += _alpha * (bar.Close - Value);
        }
    }
}
