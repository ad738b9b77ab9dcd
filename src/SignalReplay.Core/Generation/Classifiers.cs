namespace SignalReplay.Core.Generation;

/// <summary>Trend from two SMAs: TRENDING_UP when fast is above slow by more than <c>band</c>, TRENDING_DOWN below, NEUTRAL between.</summary>
public sealed class TrendClassifier : Classifier
{
    private readonly double _band;

    public TrendClassifier(IReadOnlyList<SeriesId> series, Parameters p)
        : this(series, p, p.Int("fast", 20), p.Int("slow", 100), p.Number("band", 0.001, 0, 1))
    {
    }

    private TrendClassifier(IReadOnlyList<SeriesId> series, Parameters p, int fast, int slow, double band)
        : base("trend", series, p)
    {
        if (fast >= slow)
        {
            throw new ArgumentException($"trend: parameter 'fast' ({fast}) must be below 'slow' ({slow}).");
        }

        _band = band;
        Features = [new FeatureRequest("sma", Primary, [fast]), new FeatureRequest("sma", Primary, [slow])];
    }

    public override IReadOnlyList<FeatureRequest> Features { get; }

    public override IReadOnlyList<string> Labels { get; } = ["TRENDING_UP", "TRENDING_DOWN", "NEUTRAL"];

    public override string? Classify(DecisionContext context)
    {
        double fast = context.Feature(0), slow = context.Feature(1);
        if (double.IsNaN(fast) || double.IsNaN(slow))
        {
            return null;
        }

        return fast > slow * (1 + _band) ? "TRENDING_UP" : fast < slow * (1 - _band) ? "TRENDING_DOWN" : "NEUTRAL";
    }
}

/// <summary>Volatility from the rolling deviation of log returns: LOW below <c>low</c>, HIGH above <c>high</c>, NORMAL between.</summary>
public sealed class VolatilityClassifier : Classifier
{
    private readonly double _low;
    private readonly double _high;

    public VolatilityClassifier(IReadOnlyList<SeriesId> series, Parameters p)
        : this(series, p, p.Int("length", 60, minimum: 2), p.Number("low", 0.0004, 0, 1), p.Number("high", 0.0012, 0, 1))
    {
    }

    private VolatilityClassifier(IReadOnlyList<SeriesId> series, Parameters p, int length, double low, double high)
        : base("volatility", series, p)
    {
        if (low >= high)
        {
            throw new ArgumentException($"volatility: parameter 'low' ({low}) must be below 'high' ({high}).");
        }

        (_low, _high) = (low, high);
        Features = [new FeatureRequest("volatility", Primary, [length])];
    }

    public override IReadOnlyList<FeatureRequest> Features { get; }

    public override IReadOnlyList<string> Labels { get; } = ["LOW", "NORMAL", "HIGH"];

    public override string? Classify(DecisionContext context)
    {
        var volatility = context.Feature(0);
        return double.IsNaN(volatility) ? null : volatility < _low ? "LOW" : volatility > _high ? "HIGH" : "NORMAL";
    }
}
