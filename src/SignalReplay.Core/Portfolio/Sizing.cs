namespace SignalReplay.Core.Portfolio;

/// <summary>
/// Turns a strategy's target (signal x assignment weight, in [-1, 1]) into a quantity (SPEC 6).
/// </summary>
public abstract record Sizing
{
    /// <summary>Round quantities towards zero to whole units.</summary>
    public bool WholeUnits { get; init; }

    /// <summary>
    /// The signed quantity for <paramref name="target"/> with <paramref name="equity"/> available, filling
    /// at <paramref name="price"/> through <paramref name="execution"/>; <paramref name="barVolatility"/> is
    /// the traded series' recent per-bar volatility (NaN while unknown).
    /// </summary>
    public double Quantity(double target, double equity, double price, ExecutionModel execution, double barVolatility)
    {
        if (target == 0)
        {
            return 0;
        }

        var quantity = Size(target, equity, price, execution, barVolatility);
        quantity = WholeUnits ? Math.Truncate(quantity) : quantity;
        return quantity + 0.0; // no negative zero
    }

    public abstract string Describe();

    protected abstract double Size(double target, double equity, double price, ExecutionModel execution, double barVolatility);

    /// <summary>
    /// A fraction of equity at the fill price (slippage included), leaving room for the entry
    /// commission so cash never goes negative: fraction x equity / (fill x (1 + rate) + per-unit).
    /// </summary>
    protected static double FractionOfEquity(double fraction, double target, double equity, double price, ExecutionModel execution)
    {
        var fill = execution.FillPrice(target, price);
        return target * fraction * equity / ((fill * (1 + execution.CommissionRate)) + execution.CommissionPerUnit);
    }
}

/// <summary><c>fixed_fraction</c>: a fraction of current equity per unit of target.</summary>
public sealed record FixedFractionSizing(double Fraction) : Sizing
{
    public override string Describe() => $"ff={Fraction.ToString(System.Globalization.CultureInfo.InvariantCulture)}";

    protected override double Size(double target, double equity, double price, ExecutionModel execution, double barVolatility) =>
        FractionOfEquity(Fraction, target, equity, price, execution);
}

/// <summary><c>fixed_quantity</c>: the same quantity per unit of target, whatever the equity.</summary>
public sealed record FixedQuantitySizing(double Units) : Sizing
{
    public override string Describe() => $"fq={Units.ToString(System.Globalization.CultureInfo.InvariantCulture)}";

    protected override double Size(double target, double equity, double price, ExecutionModel execution, double barVolatility) => target * Units;
}

/// <summary>
/// <c>volatility_target</c>: the fraction of equity whose per-bar volatility is <see cref="TargetBarVolatility"/>
/// (target / the series' recent per-bar volatility), at most <see cref="MaxFraction"/>; nothing while
/// the volatility is unknown or zero.
/// </summary>
public sealed record VolatilityTargetSizing(double TargetBarVolatility, double MaxFraction = 1) : Sizing
{
    public override string Describe() => $"vt={TargetBarVolatility.ToString(System.Globalization.CultureInfo.InvariantCulture)}";

    protected override double Size(double target, double equity, double price, ExecutionModel execution, double barVolatility) =>
        double.IsNaN(barVolatility) || barVolatility <= 0
            ? 0
            : FractionOfEquity(Math.Min(MaxFraction, TargetBarVolatility / barVolatility), target, equity, price, execution);
}
