namespace SignalReplay.Core.Features;

/// <summary>Simple moving average of the close over <c>n</c> bars; first value at bar n-1.</summary>
public sealed class Sma : IBarFeature
{
    private readonly RollingMoments _moments;

    public Sma(int length)
    {
        FeatureArguments.RequirePositive(length, "sma", "length");
        Length = length;
        _moments = new RollingMoments(length);
    }

    public int Length { get; }

    public bool IsReady => _moments.IsFull;

    public double Value => IsReady ? _moments.Mean : double.NaN;

    public void Update(in Bar bar) => _moments.Push(bar.Close);
}

/// <summary>
/// Exponential moving average of the close, alpha = 2/(n+1), seeded with the SMA of the first n
/// closes at bar n-1 (SPEC 4).
/// </summary>
public sealed class Ema : IBarFeature
{
    private readonly double _alpha;
    private double _seedSum;
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
            Value = (_seedSum + bar.Close) / Length;
        }
        else
        {
            Value += _alpha * (bar.Close - Value);
        }
    }
}
