namespace SignalReplay.Core.Features;

/// <summary>The last <see cref="Capacity"/> values in a ring: O(1) push, with the value that fell out.</summary>
internal sealed class RollingWindow(int capacity)
{
    private readonly double[] _values = new double[capacity];
    private int _next;

    public int Capacity => capacity;

    public int Count { get; private set; }

    public bool IsFull => Count == capacity;

    /// <summary>Adds <paramref name="value"/>; returns the value it displaced, or null while the window fills.</summary>
    public double? Push(double value)
    {
        double? dropped = IsFull ? _values[_next] : null;
        _values[_next] = value;
        _next = (_next + 1) % capacity;
        Count = Math.Min(Count + 1, capacity);
        return dropped;
    }

    /// <summary>The value pushed <paramref name="back"/> pushes ago (0: the latest).</summary>
    public double Ago(int back) => _values[((_next - 1 - back) % capacity + capacity) % capacity];
}

/// <summary>
/// The exact sum of a sliding window (<see cref="DoubleDouble"/>), so its mean is the double nearest the
/// exact window mean however long the series runs: O(1) per value, no drift.
/// </summary>
internal sealed class RollingSum(int length)
{
    private readonly RollingWindow _window = new(length);
    private DoubleDouble _sum;

    public bool IsFull => _window.IsFull;

    public int Count => _window.Count;

    public double Mean => Count > 0 ? (_sum / Count).Value : double.NaN;

    public void Push(double value)
    {
        var dropped = _window.Push(value);
        _sum += value;
        if (dropped is { } old)
        {
            _sum -= old;
        }
    }
}

/// <summary>
/// Mean and variance of a sliding window from exact sums of the values and of their squares
/// (<see cref="DoubleDouble"/>, squares through an FMA), so neither drifts nor cancels: O(1) per value.
/// A window whose values are all equal has variance 0 exactly.
/// </summary>
internal sealed class RollingMoments(int length)
{
    private readonly RollingWindow _window = new(length);
    private readonly EqualRun _run = new();
    private DoubleDouble _sum;
    private DoubleDouble _sumOfSquares;

    public bool IsFull => _window.IsFull;

    public int Count => _window.Count;

    public double Mean => Count > 0 ? (_sum / Count).Value : double.NaN;

    /// <summary>Population variance (divides by n).</summary>
    public double PopulationVariance => Variance(Count);

    /// <summary>Sample variance (divides by n - 1).</summary>
    public double SampleVariance => Variance(Count - 1);

    public void Push(double value)
    {
        var dropped = _window.Push(value);
        _sum += value;
        _sumOfSquares += DoubleDouble.Product(value, value);
        if (dropped is { } old)
        {
            _sum -= old;
            _sumOfSquares -= DoubleDouble.Product(old, old);
        }

        _run.Push(value);
    }

    private double Variance(int divisor)
    {
        if (divisor <= 0 || _run.Length >= Count)
        {
            return 0;
        }

        var deviations = _sumOfSquares - (_sum * _sum / Count);
        return Math.Max(0, (deviations / divisor).Value);
    }
}

/// <summary>How many values in a row, up to the latest, are equal: a window no longer than that is flat.</summary>
internal sealed class EqualRun
{
    private double _last = double.NaN;

    public int Length { get; private set; }

    public void Push(double value)
    {
        Length = value == _last ? Length + 1 : 1;
        _last = value;
    }
}
