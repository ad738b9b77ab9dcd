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
/// Mean and population variance of a sliding window, updated in O(1) by the sliding form of
/// Welford's method, which stays accurate where naive running sums of squares cancel.
/// </summary>
internal sealed class RollingMoments(int length)
{
    private readonly RollingWindow _window = new(length);
    private double _mean;
    private double _m2;

    public bool IsFull => _window.IsFull;

    public int Count => _window.Count;

    public double Mean => _mean;

    /// <summary>Population variance (divides by n).</summary>
    public double PopulationVariance => Count > 0 ? Math.Max(0, _m2 / Count) : 0;

    /// <summary>Sample variance (divides by n - 1).</summary>
    public double SampleVariance => Count > 1 ? Math.Max(0, _m2 / (Count - 1)) : 0;

    public void Push(double value)
    {
        if (_window.Push(value) is { } dropped)
        {
            var oldMean = _mean;
            _mean += (value - dropped) / Count;
            _m2 += (value - dropped) * (value - _mean + dropped - oldMean);
            return;
        }

        var delta = value - _mean;
        _mean += delta / Count;
        _m2 += delta * (value - _mean);
    }
}
