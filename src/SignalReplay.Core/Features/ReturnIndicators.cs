namespace SignalReplay.Core.Features;

/// <summary>Rate of change: close / close n bars ago - 1; first value at bar n.</summary>
public sealed class Roc : IBarFeature
{
    private readonly RollingWindow _closes;

    public Roc(int length)
    {
        FeatureArguments.RequirePositive(length, "roc", "length");
        Length = length;
        _closes = new RollingWindow(length + 1);
    }

    public int Length { get; }

    public bool IsReady => _closes.IsFull;

    public double Value => IsReady ? (_closes.Ago(0) / _closes.Ago(Length)) - 1 : double.NaN;

    public void Update(in Bar bar) => _closes.Push(bar.Close);
}

/// <summary>
/// Rolling sample standard deviation (n - 1) of the last n close-to-close log returns;
/// returns start at the second bar, so the first value is at bar n.
/// </summary>
public sealed class LogReturnVolatility : IBarFeature
{
    private readonly RollingMoments _returns;
    private double? _previousClose;

    public LogReturnVolatility(int length)
    {
        FeatureArguments.RequireAtLeast(length, 2, "volatility", "length");
        Length = length;
        _returns = new RollingMoments(length);
    }

    public int Length { get; }

    public bool IsReady => _returns.IsFull;

    public double Value => IsReady ? Math.Sqrt(_returns.SampleVariance) : double.NaN;

    public void Update(in Bar bar)
    {
        if (_previousClose is { } previous)
        {
            _returns.Push(Math.Log(bar.Close / previous));
        }

        _previousClose = bar.Close;
    }
}

/// <summary>
/// Rolling Pearson correlation of the log returns of two series over the last n aligned slices, from
/// exact sums of x, y, x², y² and xy over the window (<see cref="DoubleDouble"/>), O(1) per slice; the
/// first value needs n return pairs, so it comes at slice n. 0 when either window has no variance.
/// </summary>
public sealed class ReturnCorrelation : IPairedFeature
{
    private readonly RollingWindow _x;
    private readonly RollingWindow _y;
    private readonly EqualRun _runX = new();
    private readonly EqualRun _runY = new();
    private DoubleDouble _sumX;
    private DoubleDouble _sumY;
    private DoubleDouble _sumXX;
    private DoubleDouble _sumYY;
    private DoubleDouble _sumXY;
    private double? _previousX;
    private double? _previousY;

    public ReturnCorrelation(int length)
    {
        FeatureArguments.RequireAtLeast(length, 2, "correlation", "length");
        Length = length;
        _x = new RollingWindow(length);
        _y = new RollingWindow(length);
    }

    public int Length { get; }

    public bool IsReady => _x.IsFull;

    public double Value
    {
        get
        {
            if (!IsReady)
            {
                return double.NaN;
            }

            if (_runX.Length >= Length || _runY.Length >= Length)
            {
                return 0;
            }

            var n = _x.Count;
            var xx = (_sumXX - (_sumX * _sumX / n)).Value;
            var yy = (_sumYY - (_sumY * _sumY / n)).Value;
            var xy = (_sumXY - (_sumX * _sumY / n)).Value;
            return xx <= 0 || yy <= 0 ? 0 : Math.Clamp(xy / (Math.Sqrt(xx) * Math.Sqrt(yy)), -1, 1);
        }
    }

    /// <summary>Takes the two closes of one aligned slice.</summary>
    public void Update(double closeX, double closeY)
    {
        if (_previousX is { } previousX && _previousY is { } previousY)
        {
            Push(Math.Log(closeX / previousX), Math.Log(closeY / previousY));
        }

        _previousX = closeX;
        _previousY = closeY;
    }

    private void Push(double x, double y)
    {
        var droppedX = _x.Push(x);
        var droppedY = _y.Push(y);
        _sumX += x;
        _sumY += y;
        _sumXX += DoubleDouble.Product(x, x);
        _sumYY += DoubleDouble.Product(y, y);
        _sumXY += DoubleDouble.Product(x, y);
        if (droppedX is { } oldX && droppedY is { } oldY)
        {
            _sumX -= oldX;
            _sumY -= oldY;
            _sumXX -= DoubleDouble.Product(oldX, oldX);
            _sumYY -= DoubleDouble.Product(oldY, oldY);
            _sumXY -= DoubleDouble.Product(oldX, oldY);
        }

        _runX.Push(x);
        _runY.Push(y);
    }
}
