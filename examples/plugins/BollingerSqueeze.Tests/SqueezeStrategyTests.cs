using SignalReplay.Core.Data;
using SignalReplay.Core.Indices;
using SignalReplay.Core.Generation;
using Xunit;

namespace BollingerSqueeze.Tests;

/// <summary>The plugin's strategy on hand-made bars: a quiet market, a breakout, a fall back through the middle band.</summary>
public sealed class SqueezeStrategyTests
{
    private static readonly SeriesId Spy = SeriesId.Parse("SPY_1d");

    static SqueezeStrategyTests()
    {
        DeciderRegistry.Default.Add(new SqueezePlugin(), new ExtensionOrigin("BollingerSqueeze", "1.0.0.0", "test", "in process"));
    }

    /// <summary>40 bars wobbling 0.1% around 100, then a jump to 103 held for 5 bars, then a drop to 98.</summary>
    private static BarSeries Market()
    {
        var closes = Enumerable.Range(0, 40).Select(i => 100 + (i % 2 == 0 ? 0.1 : -0.1)).Concat(Enumerable.Repeat(103.0, 5)).Concat(Enumerable.Repeat(98.0, 5)).ToList();
        var start = new DateTimeOffset(2024, 1, 1, 0, 0, 0, TimeSpan.Zero).ToUnixTimeMilliseconds();
        return BarSeries.FromBars(Spy, [.. closes.Select((c, i) => new Bar(start + (i * 86_400_000L), c, c + 0.05, c - 0.05, c, 1_000))]);
    }

    private static double[] Targets(IReadOnlyDictionary<string, double> parameters)
    {
        var strategy = DeciderRegistry.Default.Strategy("bollinger_squeeze", [Spy], parameters);
        var set = SignalGeneration.Run([Market()], [strategy], [], new GenerationOptions { BatchWindow = TimeSpan.FromDays(30) });
        return set.Signals.Single().ToDense(50);
    }

    [Fact]
    public void A_breakout_after_the_squeeze_goes_long_and_the_fall_through_the_middle_band_exits()
    {
        var targets = Targets(new Dictionary<string, double> { ["length"] = 20 });

        Assert.All(targets.Take(40), t => Assert.Equal(0, t));   // squeezed, no breakout yet
        Assert.Equal(1, targets[40]);                              // 103 breaks above the tight upper band
        Assert.Equal(0, targets[45]);                              // 98 is below the middle band: out
    }

    [Fact]
    public void Without_a_squeeze_the_same_breakout_is_not_traded()
    {
        var targets = Targets(new Dictionary<string, double> { ["length"] = 20, ["squeeze"] = 0.0001 });

        Assert.All(targets, t => Assert.Equal(0, t));
    }

    [Fact]
    public void Its_parameters_are_declared_with_defaults_and_ranges()
    {
        var definition = DeciderRegistry.Default.Strategies.Single(s => s.Name == "bollinger_squeeze");

        Assert.Equal(["length", "width", "squeeze", "long_only"], definition.Parameters.Select(p => p.Name));
        Assert.Equal(("number", SqueezeStrategy.DefaultSqueeze), (definition.Parameters[2].Type, definition.Parameters[2].Default));
    }
}
