using SignalReplay.Core.Data;
using SignalReplay.Core.Features;
using SignalReplay.Core.Generation;

namespace BollingerSqueeze;

/// <summary>Registers the plugin's feature and strategy: what SignalReplay loads from this assembly.</summary>
public sealed class SqueezePlugin : ISignalReplayPlugin
{
    public void Register(IExtensionRegistry registry)
    {
        registry.AddFeature("bandwidth", 2, ["value"], p => new Bandwidth(BuiltInDeciders.Length(p), p[1]), "Bollinger band width over its middle band (length, width in deviations)");
        registry.AddStrategy("bollinger_squeeze", (series, p) => new SqueezeStrategy(series, p), "after a squeeze (narrow bands), trade the close that breaks out of them; exit at the middle band");
    }
}

/// <summary>(upper - lower) / middle of Bollinger bands: how tight the market is.</summary>
public sealed class Bandwidth(int length, double width) : IBarFeature
{
    private readonly Bollinger _bands = new(length, width);

    public bool IsReady => _bands.IsReady;

    public double Value => IsReady && _bands.Value != 0 ? (_bands.Upper - _bands.Lower) / _bands.Value : double.NaN;

    public void Update(in Bar bar) => _bands.Update(bar);
}

/// <summary>
/// Bollinger squeeze breakout: while the previous bar's band width was below <c>squeeze</c>, a close above the previous upper band
/// goes long and one below the lower band goes short (flat with <c>long_only</c>); a position exits when the close crosses the middle band.
/// </summary>
public sealed class SqueezeStrategy : Strategy
{
    /// <summary>The band width below which the market counts as squeezed, unless a run sets <c>squeeze</c>.</summary>
    public const double DefaultSqueeze = 0.02;

    private readonly double _squeeze;
    private readonly bool _longOnly;

    public SqueezeStrategy(IReadOnlyList<SeriesId> series, Parameters p)
        : this(series, p, p.Int("length", 20, minimum: 2), p.Number("width", 2, 0.5, 5), p.Number("squeeze", DefaultSqueeze, 0.0001, 1), p.Flag("long_only", false))
    {
    }

    private SqueezeStrategy(IReadOnlyList<SeriesId> series, Parameters p, int length, double width, double squeeze, bool longOnly)
        : base("bollinger_squeeze", series, p)
    {
        (_squeeze, _longOnly) = (squeeze, longOnly);
        Features =
        [
            new FeatureRequest("bollinger", Primary, [length, width]),
            new FeatureRequest("bollinger", Primary, [length, width], "upper"),
            new FeatureRequest("bollinger", Primary, [length, width], "lower"),
            new FeatureRequest("bandwidth", Primary, [length, width]),
        ];
    }

    public override IReadOnlyList<FeatureRequest> Features { get; }

    public override double Decide(DecisionContext context)
    {
        var close = context.Bar(PrimaryOrdinal).Close;
        var (middle, target) = (context.Feature(0), context.CurrentTarget);
        if ((target > 0 && close < middle) || (target < 0 && close > middle))
        {
            return 0;
        }

        if (target == 0 && context.PreviousFeature(3) < _squeeze)
        {
            if (close > context.PreviousFeature(1))
            {
                return 1;
            }

            if (close < context.PreviousFeature(2))
            {
                return _longOnly ? 0 : -1;
            }
        }

        return target;
    }
}
