namespace SignalReplay.Core.Portfolio;

/// <summary>When a market order fills: at the close of the signal bar, or at the next bar's open (the default).</summary>
public enum FillTiming
{
    NextOpen,
    SignalClose,
}

/// <summary>A market order's fill: signed quantity, price after slippage, and commission paid.</summary>
public readonly record struct Fill(double Quantity, double Price, double Commission)
{
    /// <summary>Cash the fill moves: negative for a buy (price x quantity plus commission).</summary>
    public double CashFlow => -(Quantity * Price) - Commission;
}

/// <summary>
/// The execution component (SPEC 6): market orders fill at the chosen bar price, moved against the
/// trader by <see cref="SlippageBps"/>, and pay <see cref="CommissionBps"/> of notional plus
/// <see cref="CommissionPerUnit"/> per unit.
/// </summary>
public sealed record ExecutionModel(FillTiming Timing = FillTiming.NextOpen, double CommissionBps = 0, double CommissionPerUnit = 0, double SlippageBps = 0)
{
    public static ExecutionModel Default { get; } = new();

    /// <summary>Commission as a fraction of notional.</summary>
    public double CommissionRate => CommissionBps / 10_000;

    public ExecutionModel Validate()
    {
        if (!double.IsFinite(CommissionBps) || CommissionBps < 0 || !double.IsFinite(CommissionPerUnit) || CommissionPerUnit < 0
            || !double.IsFinite(SlippageBps) || SlippageBps < 0)
        {
            throw new ArgumentException($"Execution: commission_bps ({CommissionBps}), commission_per_unit ({CommissionPerUnit}) and slippage_bps ({SlippageBps}) must be finite and not negative.");
        }

        return this;
    }

    /// <summary>The price a buy (positive) or sell (negative) of <paramref name="quantity"/> gets at <paramref name="price"/>.</summary>
    public double FillPrice(double quantity, double price) => price * (1 + (Math.Sign(quantity) * SlippageBps / 10_000));

    public Fill Execute(double quantity, double price)
    {
        var fillPrice = FillPrice(quantity, price);
        return new Fill(quantity, fillPrice, (Math.Abs(quantity) * fillPrice * CommissionRate) + (Math.Abs(quantity) * CommissionPerUnit));
    }
}
