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
/// Rolling Pearson correlation of the log returns of two series over the last n aligned slices,
/// kept in O(1) per slice by sliding means and co-moments; the first value needs n return pairs,
/// so it comes at slice n. 0 when either window has no variance.
/// </summary>
public sealed class ReturnCorrelation
{
    private readonly RollingWindow _x;
    private readonly RollingWindow _y;
    private double _meanX;
    private double _meanY;
    private double _m2X;
    private double _m2Y;
    private double _coMoment;
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

    public double Value => !IsReady ? double.NaN
        : _m2X <= 0 || _m2Y <= 0 ? 0
        : Math.Clamp(_coMoment / Math.Sqrt(_m2X * _m2Y), -1, 1);

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
        var n = _x.Count;
        if (droppedX is { } oldX && droppedY is { } oldY)
        {
            // Replace (oldX, oldY) by (x, y) in a full window of n.
            var dx = x - oldX;
            var dy = y - oldY;
            var oldMeanX = _meanX;
            var oldMeanY = _meanY;
            _meanX += dx / n;
            _meanY += dy / n;
            _m2X += dx * (x - _meanX + oldX - oldMeanX);
            _m2Y += dy * (y - _meanY + oldY - oldMeanY);
            _coMoment += (x * y) - (oldX * oldY) - (oldMeanX * dy) - (oldMeanY * dx) - (dx * dy / n);
            return;
        }

        var deltaX = x - _meanX;
        _meanX += deltaX / n;
        var deltaY = y - _meanY;
        _meanY += deltaY / n;
        _m2X += deltaX * (x - _meanX);
        _m2Y += deltaY * (y - _meanY);
        _coMoment += deltaX * (y - _meanY);
    }
}
