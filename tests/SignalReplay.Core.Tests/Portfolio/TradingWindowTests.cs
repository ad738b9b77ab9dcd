using SignalReplay.Core.Generation;
using SignalReplay.Core.Portfolio;

namespace SignalReplay.Core.Tests.Portfolio;

/// <summary>A portfolio trading only a window of the bars (validate phases, walk-forward windows).</summary>
public sealed class TradingWindowTests
{
    private const long Day = 86_400_000L;
    private static readonly SeriesId Spy = SeriesId.Parse("SPY_1d");
    private static readonly long Day0 = new DateTimeOffset(2024, 3, 4, 0, 0, 0, TimeSpan.Zero).ToUnixTimeMilliseconds();

    // Opens 100, 101, ... 107; closes one above each open.
    private static readonly Bar[] Bars =
        [.. Enumerable.Range(0, 8).Select(i => new Bar(Day0 + (i * Day), 100 + i, 102 + i, 99 + i, 101 + i, 1_000))];

    private static PortfolioResult Run(TradingWindow? window, params (int Bar, double Value)[] signals)
    {
        var engine = new PortfolioEngine(new PortfolioConfig(
            "p", [new StrategyAssignment("s", Spy)], new FixedFractionSizing(1), ExecutionModel.Default, RiskLimits.None, Window: window));
        double before = 0;
        for (var i = 0; i < Bars.Length; i++)
        {
            engine.OnBar(Spy, Bars[i]);
            foreach (var (_, value) in signals.Where(s => s.Bar == i))
            {
                engine.OnSignal(new SignalEvent("s", Spy, i, Bars[i].Time + Day, Bars[i], before, value));
                before = value;
            }

            engine.EndOfSlice();
        }

        return engine.Finish();
    }

    private static TradingWindow Window(int fromBar, int toBar) => new(Day0 + (fromBar * Day), Day0 + (toBar * Day));

    [Fact]
    public void A_target_held_before_the_window_is_entered_at_the_window_first_open()
    {
        var result = Run(Window(3, 8), (1, 1));

        // The signal at bar 1 only sets the target; the position is taken at bar 3's open (103).
        var position = Assert.Single(result.OpenPositions);
        Assert.Equal(10_000 / 103.0, position.Quantity, 12);
        Assert.Equal(103, position.AverageEntry);
        Assert.Equal(Day0 + (3 * Day), result.EquityTime[0]);
    }

    [Fact]
    public void Bars_after_the_window_are_not_seen()
    {
        var result = Run(Window(0, 4), (1, 1), (5, 0));

        // Bought at bar 2's open (102), never sold: the exit signal at bar 5 lies after the window.
        var position = Assert.Single(result.OpenPositions);
        Assert.Equal(102, position.AverageEntry);
        Assert.Equal(104, position.Mark); // bar 3's close, the last in the window
        Assert.Equal(Day0 + (3 * Day), result.EquityTime[^1]);
        Assert.Empty(result.Trades);
    }

    [Fact]
    public void Equity_is_marked_only_inside_the_window()
    {
        var result = Run(Window(2, 5));

        Assert.Equal([Day0 + (2 * Day), Day0 + (3 * Day), Day0 + (4 * Day)], result.EquityTime);
        Assert.All(result.Equity, equity => Assert.Equal(10_000, equity));
    }

    [Fact]
    public void A_flat_strategy_before_the_window_opens_nothing()
    {
        var result = Run(Window(3, 8), (1, 1), (2, 0));

        Assert.Empty(result.Trades);
        Assert.Empty(result.OpenPositions);
    }

    [Fact]
    public void A_window_covering_every_bar_gives_the_unwindowed_result_bit_for_bit()
    {
        var windowed = Run(Window(0, 100), (1, 1), (4, -1), (6, 0));
        var plain = Run(null, (1, 1), (4, -1), (6, 0));

        Assert.Equal(PortfolioDigest.Of(plain), PortfolioDigest.Of(windowed with { PortfolioId = plain.PortfolioId }));
    }
}
