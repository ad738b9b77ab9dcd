namespace SignalReplay.Core.Generation;

/// <summary>
/// SMA crossover (SPEC 4): +1 on the bar where fast crosses above slow, -1 on the mirror cross
/// (0 with <c>long_only</c>), unchanged otherwise, 0 before the first cross.
/// </summary>
public sealed class MomentumStrategy : Strategy
{
    private readonly bool _longOnly;

    public MomentumStrategy(IReadOnlyList<SeriesId> series, Parameters p)
        : this(series, p, p.Int("fast", 10), p.Int("slow", 50), p.Flag("long_only", false))
    {
    }

    private MomentumStrategy(IReadOnlyList<SeriesId> series, Parameters p, int fast, int slow, bool longOnly)
        : base("momentum", series, p)
    {
        if (fast >= slow)
        {
            throw new ArgumentException($"momentum: parameter 'fast' ({fast}) must be below 'slow' ({slow}).");
        }

        _longOnly = longOnly;
        Features = [new FeatureRequest("sma", Primary, [fast]), new FeatureRequest("sma", Primary, [slow])];
    }

    public override IReadOnlyList<FeatureRequest> Features { get; }

    public override double Decide(DecisionContext context)
    {
        double fast = context.Feature(0), slow = context.Feature(1);
        double fastBefore = context.PreviousFeature(0), slowBefore = context.PreviousFeature(1);
        if (fastBefore < slowBefore && fast > slow)
        {
            return 1;
        }

        if (fastBefore > slowBefore && fast < slow)
        {
            return _longOnly ? 0 : -1;
        }

        return context.CurrentTarget;
    }
}

/// <summary>RSI bands: +1 below <c>lower</c>, -1 above <c>upper</c> (0 with <c>long_only</c>), back to 0 when RSI crosses 50.</summary>
public sealed class MeanReversionStrategy : Strategy
{
    private readonly double _lower;
    private readonly double _upper;
    private readonly bool _longOnly;

    public MeanReversionStrategy(IReadOnlyList<SeriesId> series, Parameters p)
        : this(series, p, p.Int("length", 14, minimum: 2), p.Number("lower", 30, 0, 50), p.Number("upper", 70, 50, 100), p.Flag("long_only", false))
    {
    }

    private MeanReversionStrategy(IReadOnlyList<SeriesId> series, Parameters p, int length, double lower, double upper, bool longOnly)
        : base("mean_reversion", series, p)
    {
        (_lower, _upper, _longOnly) = (lower, upper, longOnly);
        Features = [new FeatureRequest("rsi", Primary, [length])];
    }

    public override IReadOnlyList<FeatureRequest> Features { get; }

    public override double Decide(DecisionContext context)
    {
        var rsi = context.Feature(0);
        if (double.IsNaN(rsi))
        {
            return context.CurrentTarget;
        }

        return context.CurrentTarget switch
        {
            > 0 => rsi >= 50 ? 0 : context.CurrentTarget,
            < 0 => rsi <= 50 ? 0 : context.CurrentTarget,
            _ => rsi < _lower ? 1 : rsi > _upper && !_longOnly ? -1 : 0,
        };
    }
}

/// <summary>Donchian breakout: +1 when the close breaks above the previous bar's channel high, -1 below its low (0 with <c>long_only</c>).</summary>
public sealed class BreakoutStrategy : Strategy
{
    private readonly bool _longOnly;

    public BreakoutStrategy(IReadOnlyList<SeriesId> series, Parameters p)
        : this(series, p, p.Int("length", 20, minimum: 2), p.Flag("long_only", false))
    {
    }

    private BreakoutStrategy(IReadOnlyList<SeriesId> series, Parameters p, int length, bool longOnly)
        : base("breakout", series, p)
    {
        _longOnly = longOnly;
        Features = [new FeatureRequest("donchian", Primary, [length], "upper"), new FeatureRequest("donchian", Primary, [length], "lower")];
    }

    public override IReadOnlyList<FeatureRequest> Features { get; }

    public override double Decide(DecisionContext context)
    {
        var close = context.Bar(PrimaryOrdinal).Close;
        if (close > context.PreviousFeature(0))
        {
            return 1;
        }

        if (close < context.PreviousFeature(1))
        {
            return _longOnly ? 0 : -1;
        }

        return context.CurrentTarget;
    }
}

/// <summary>
/// Multi-series momentum: long the primary when its rate of change and every other series' are all
/// above <c>threshold</c> and the primary's returns correlate with each other series' by at least
/// <c>min_correlation</c>; short on the mirror; flat otherwise. Works across timeframes
/// (e.g. SPY_1m + IBM_1m + BAC_5m): each other series contributes its latest ended bar. Only the
/// primary (the traded series) is special: the others may be listed in any order.
/// </summary>
public sealed class CorrelationMomentumStrategy : Strategy
{
    private readonly double _threshold;
    private readonly double _minCorrelation;
    private readonly int _correlations;

    public CorrelationMomentumStrategy(IReadOnlyList<SeriesId> series, Parameters p)
        : this(series, p, p.Int("lookback", 20), p.Int("correlation_length", 60, minimum: 2), p.Number("threshold", 0, 0, 1), p.Number("min_correlation", 0.3, -1, 1))
    {
    }

    private CorrelationMomentumStrategy(IReadOnlyList<SeriesId> series, Parameters p, int lookback, int correlationLength, double threshold, double minCorrelation)
        : base("correlation_momentum", series, p)
    {
        if (Series.Count < 2)
        {
            throw new ArgumentException("correlation_momentum: needs at least two series (the traded one first).");
        }

        (_threshold, _minCorrelation, _correlations) = (threshold, minCorrelation, Others.Count);
        Features =
        [
            .. Others.Select(other => new FeatureRequest("correlation", Primary, [correlationLength], Other: other)),
            .. Series.Select(s => new FeatureRequest("roc", s, [lookback])),
        ];
    }

    public override IReadOnlyList<FeatureRequest> Features { get; }

    public override double Decide(DecisionContext context)
    {
        for (var i = 0; i < _correlations; i++)
        {
            var correlation = context.Feature(i);
            if (double.IsNaN(correlation) || correlation < _minCorrelation)
            {
                return 0;
            }
        }

        var up = true;
        var down = true;
        for (var i = _correlations; i < Features.Count; i++)
        {
            var roc = context.Feature(i);
            up &= roc > _threshold;
            down &= roc < -_threshold;
        }

        return up ? 1 : down ? -1 : 0;
    }
}
