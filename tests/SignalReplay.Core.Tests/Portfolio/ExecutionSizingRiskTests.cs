using SignalReplay.Core.Portfolio;

namespace SignalReplay.Core.Tests.Portfolio;

public sealed class ExecutionSizingRiskTests
{
    private static readonly ExecutionModel Costs = new(FillTiming.NextOpen, CommissionBps: 5, CommissionPerUnit: 0.01, SlippageBps: 10);

    [Fact]
    public void A_buy_fills_above_the_price_and_pays_bps_and_per_unit_commission()
    {
        var fill = Costs.Execute(10, 100);

        Assert.Equal(100.1, fill.Price, 12);                      // 10 bps of slippage against the buyer
        Assert.Equal((10 * 100.1 * 0.0005) + (10 * 0.01), fill.Commission, 12); // 0.5005 + 0.1
        Assert.Equal(-1001 - 0.6005, fill.CashFlow, 9);
    }

    [Fact]
    public void A_sell_fills_below_the_price()
    {
        Assert.Equal(99.9, Costs.Execute(-10, 100).Price, 12);
    }

    [Fact]
    public void Negative_costs_are_refused()
    {
        Assert.Contains("must be finite and not negative", Assert.Throws<ArgumentException>(() => new ExecutionModel(SlippageBps: -1).Validate()).Message);
    }

    [Fact]
    public void Fixed_fraction_spends_exactly_the_fraction_of_equity_including_the_entry_commission()
    {
        var costs = Costs with { CommissionPerUnit = 0 };
        var sizing = new FixedFractionSizing(0.5);

        var quantity = sizing.Quantity(1, 10_000, 100, costs, double.NaN);

        // 0.5 x 10,000 / (100.1 x 1.0005) = 49.92509...
        Assert.Equal(5_000 / (100.1 * 1.0005), quantity, 9);
        var fill = costs.Execute(quantity, 100);
        Assert.Equal(5_000, -fill.CashFlow, 9);                    // cost + commission is the fraction: cash never goes negative
    }

    [Fact]
    public void Whole_units_round_towards_zero_on_both_sides()
    {
        var sizing = new FixedFractionSizing(0.5) { WholeUnits = true };

        // Long: 5,000 / (100.1 x 1.0005 + 0.01) = 49.92 -> 49. Short: a sell fills lower, at 99.9:
        // 5,000 / (99.9 x 1.0005 + 0.01) = 50.02 -> -50.
        Assert.Equal(49, sizing.Quantity(1, 10_000, 100, Costs, double.NaN));
        Assert.Equal(-50, sizing.Quantity(-1, 10_000, 100, Costs, double.NaN));
    }

    [Fact]
    public void Fixed_quantity_scales_with_the_target_only()
    {
        Assert.Equal(-50, new FixedQuantitySizing(100).Quantity(-0.5, 1, 1_000, Costs, double.NaN));
        Assert.Equal(0, new FixedQuantitySizing(100).Quantity(0, 10_000, 100, Costs, double.NaN));
    }

    [Fact]
    public void Volatility_target_sizes_the_fraction_target_over_volatility_capped_and_nothing_when_unknown()
    {
        var sizing = new VolatilityTargetSizing(0.001);

        // 0.001 / 0.002 = half of equity, like fixed_fraction 0.5.
        Assert.Equal(new FixedFractionSizing(0.5).Quantity(1, 10_000, 100, Costs, double.NaN), sizing.Quantity(1, 10_000, 100, Costs, 0.002), 12);
        // 0.001 / 0.0001 = 10, capped at all of equity.
        Assert.Equal(new FixedFractionSizing(1).Quantity(1, 10_000, 100, Costs, double.NaN), sizing.Quantity(1, 10_000, 100, Costs, 0.0001), 12);
        Assert.Equal(0, sizing.Quantity(1, 10_000, 100, Costs, double.NaN));
    }

    private static RiskContext At(double position, double equity = 10_000, double peak = 10_000, double gross = 0, bool halted = false) =>
        new("SPY", position, 100, equity, peak, gross, halted);

    [Fact]
    public void Max_position_clips_an_add_to_the_limit_and_lets_reductions_through()
    {
        var validator = new MaxPositionValidator(0.5); // 50 units at 100 with 10,000 of equity

        var clipped = validator.Check(80, At(0));
        var reduce = validator.Check(-10, At(30));
        var reversal = validator.Check(-100, At(30));

        Assert.Equal(50, clipped.Quantity);
        Assert.Contains("max_position: SPY limited to 50 % of equity", clipped.Reason);
        Assert.Equal(RiskDecision.Allow(-10), reduce);
        Assert.Equal(-80, reversal.Quantity);                       // from +30 to the -50 limit
    }

    [Fact]
    public void Max_position_never_adds_to_a_position_already_over_the_limit()
    {
        Assert.Equal(0, new MaxPositionValidator(0.5).Check(10, At(60)).Quantity);
    }

    [Fact]
    public void Max_gross_exposure_clips_an_add_to_the_room_left()
    {
        // 1x of 10,000 with 8,000 already out leaves 2,000: 20 units at 100, not 30.
        var decision = new MaxGrossExposureValidator(1).Check(30, At(0, gross: 8_000));

        Assert.Equal(20, decision.Quantity, 12);
        Assert.Contains("max_gross_exposure", decision.Reason);
    }

    [Fact]
    public void Max_drawdown_halt_refuses_adds_once_breached_but_never_exits()
    {
        var halt = new MaxDrawdownHaltValidator(0.2);

        Assert.Equal(0, halt.Check(10, At(0, equity: 7_900)).Quantity);       // 21% below the peak
        Assert.Equal(-10, halt.Check(-10, At(10, equity: 7_900)).Quantity);   // closing is always allowed
        Assert.Equal(10, halt.Check(10, At(0, equity: 8_100)).Quantity);      // 19%: still trading
        Assert.Equal(0, halt.Check(10, At(0, halted: true)).Quantity);
    }

    [Fact]
    public void The_chain_composes_validators_and_keeps_every_reason()
    {
        var reasons = new List<string>();

        var decision = RiskChain.Check([new MaxPositionValidator(0.5), new MaxGrossExposureValidator(1)], 80, At(0, gross: 8_000), reasons);

        Assert.Equal(20, decision.Quantity, 12);                     // 80 -> 50 by position, 50 -> 20 by gross exposure
        Assert.Equal(2, reasons.Count);
    }

    [Theory]
    [InlineData(1, 99, 101, 94, 95.0)]    // long: the low touches the 5% stop
    [InlineData(1, 93, 96, 92, 93.0)]     // long: the bar gapped below the stop, fills at the open
    [InlineData(1, 100, 111, 98, 110.0)]  // long: the high touches the 10% take-profit
    [InlineData(1, 100, 111, 94, 95.0)]   // long: both touched within the bar, the stop is assumed first
    [InlineData(-1, 101, 106, 99, 105.0)] // short: the high touches the stop
    [InlineData(-1, 95, 96, 89, 90.0)]    // short: the low touches the take-profit
    public void Stops_exit_at_the_level_or_at_a_gapping_open(double position, double open, double high, double low, double expected)
    {
        Assert.Equal(expected, new StopLevels(0.05, 0.10).ExitPrice(position, 100, open, high, low)!.Value, 9);
    }

    [Fact]
    public void A_bar_that_touches_no_level_does_not_exit()
    {
        Assert.Null(new StopLevels(0.05, 0.10).ExitPrice(1, 100, 100, 104, 96));
        Assert.Null(new StopLevels(0.05, null).ExitPrice(0, 100, 50, 60, 40));
    }
}
