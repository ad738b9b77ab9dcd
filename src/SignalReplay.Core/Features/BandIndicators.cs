namespace SignalReplay.Core.Features;

/// <summary>Bollinger bands: SMA(n) +/- k population standard deviations of the close; first value at bar n-1.</summary>
public sealed class Bollinger : IBarFeature
{
    private readonly RollingMoments _moments;

    public Bollinger(int length, double width)
    {
        FeatureArguments.RequirePositive(length, "bollinger", "length");
        if (!double.IsFinite(width) || width <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(width), width, $"Feature bollinger: width must be a positive number, not {width}.");
        }

        Length = length;
        Width = width;
        _moments = new RollingMoments(length);
    }

    public int Length { get; }

    public double Width { get; }

    public bool IsReady => _moments.IsFull;

    /// <summary>The middle band.</summary>
    public double Value => IsReady ? _moments.Mean : double.NaN;

    public double Upper => IsReady ? _moments.Mean + (Width * Math.Sqrt(_moments.PopulationVariance)) : double.NaN;

    public double Lower => IsReady ? _moments.Mean - (Width * Math.Sqrt(_moments.PopulationVariance)) : double.NaN;

    public void Update(in Bar bar) => _moments.Push(bar.Close);

    public double Output(string output) => output switch
    {
        "value" => Value,
        "upper" => Upper,
        "lower" => Lower,
        _ => throw new ArgumentException($"Feature bollinger has no output '{output}'; it has value, upper, lower."),
    };
}

/// <summary>Donchian channel: highest high and lowest low of the last n bars, the current one included; first value at bar n-1.</summary>
public sealed class Donchian : IBarFeature
{
    private readonly MonotonicWindow _highs;
    private readonly MonotonicWindow _lows;
    private int _count;

    public Donchian(int length)
    {
        FeatureArguments.RequirePositive(length, "donchian", "length");
        Length = length;
        _highs = new MonotonicWindow(length, keepMaximum: true);
        _lows = new MonotonicWindow(length, keepMaximum: false);
    }

    public int Length { get; }

    public bool IsReady => _count >= Length;

    /// <summary>The middle of the channel.</summary>
    public double Value => IsReady ? (Upper + Lower) / 2 : double.NaN;

    public double Upper => IsReady ? _highs.Extreme : double.NaN;

    public double Lower => IsReady ? _lows.Extreme : double.NaN;

    public double Output(string output) => output switch
    {
        "value" => Value,
        "upper" => Upper,
        "lower" => Lower,
        _ => throw new ArgumentException($"Feature donchian has no output '{output}'; it has value, upper, lower."),
    };

    public void Update(in Bar bar)
    {
        _highs.Push(_count, bar.High);
        _lows.Push(_count, bar.Low);
        _count++;
    }

    /// <summary>Sliding maximum (or minimum) in amortised O(1): a deque of candidates that can still become the extreme.</summary>
    private sealed class MonotonicWindow(int length, bool keepMaximum)
    {
        private readonly LinkedList<(int Index, double Value)> _candidates = new();

        public double Extreme => _candidates.First!.Value.Value;

        public void Push(int index, double value)
        {
            while (_candidates.Last is { } last && (keepMaximum ? last.Value.Value <= value : last.Value.Value >= value))
            {
                _candidates.RemoveLast();
            }

            _candidates.AddLast((index, value));
            if (_candidates.First!.Value.Index <= index - length)
            {
                _candidates.RemoveFirst();
            }
        }
    }
}
