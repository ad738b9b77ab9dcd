namespace SignalReplay.Core.Portfolio;

/// <summary>What a validator sees before an order: the symbol's position and price, and the portfolio's state.</summary>
public readonly record struct RiskContext(
    string Symbol,
    double Position,
    double Price,
    double Equity,
    double PeakEquity,
    double GrossExposure,
    bool Halted);

/// <summary>A validator's verdict: the quantity allowed (maybe clipped towards zero), and why when it differs.</summary>
public readonly record struct RiskDecision(double Quantity, string? Reason)
{
    public static RiskDecision Allow(double quantity) => new(quantity, null);
}

/// <summary>
/// A stateless check called before every order (SPEC 6). Validators compose: each sees the quantity the
/// previous one allowed. Reducing exposure is never blocked.
/// </summary>
public interface IRiskValidator
{
    RiskDecision Check(double quantity, in RiskContext context);
}

/// <summary>Runs validators in order and keeps every reason, for the RISK_REJECT trace.</summary>
public static class RiskChain
{
    public static RiskDecision Check(IReadOnlyList<IRiskValidator> validators, double quantity, in RiskContext context, List<string> reasons)
    {
        foreach (var validator in validators)
        {
            var decision = validator.Check(quantity, context);
            if (decision.Reason is not null)
            {
                reasons.Add(decision.Reason);
            }

            quantity = decision.Quantity;
        }

        return new RiskDecision(quantity, reasons.Count == 0 ? null : string.Join("; ", reasons));
    }

    /// <summary>True when the order moves the position away from zero (opens or adds).</summary>
    public static bool Increases(double position, double quantity) => Math.Abs(position + quantity) > Math.Abs(position);
}

/// <summary>Clips a symbol's position to at most <see cref="MaxFraction"/> of equity in notional.</summary>
public sealed record MaxPositionValidator(double MaxFraction) : IRiskValidator
{
    public RiskDecision Check(double quantity, in RiskContext context)
    {
        if (!RiskChain.Increases(context.Position, quantity))
        {
            return RiskDecision.Allow(quantity);
        }

        var limit = MaxFraction * context.Equity / context.Price;
        var wanted = context.Position + quantity;
        if (Math.Abs(wanted) <= limit)
        {
            return RiskDecision.Allow(quantity);
        }

        // Never below a position already held on the same side (equity may have fallen under it): that is no add.
        var cap = Math.Sign(wanted) == Math.Sign(context.Position) ? Math.Max(limit, Math.Abs(context.Position)) : limit;
        var allowed = (Math.Sign(wanted) * cap) - context.Position;
        return new RiskDecision(allowed, $"max_position: {context.Symbol} limited to {MaxFraction.ToString("P0", System.Globalization.CultureInfo.InvariantCulture)} of equity");
    }
}

/// <summary>Clips orders that would take gross exposure (sum of |notional|) above <see cref="MaxMultiple"/> x equity.</summary>
public sealed record MaxGrossExposureValidator(double MaxMultiple) : IRiskValidator
{
    public RiskDecision Check(double quantity, in RiskContext context)
    {
        if (!RiskChain.Increases(context.Position, quantity))
        {
            return RiskDecision.Allow(quantity);
        }

        var room = (MaxMultiple * context.Equity) - context.GrossExposure;
        var added = (Math.Abs(context.Position + quantity) - Math.Abs(context.Position)) * context.Price;
        if (added <= room)
        {
            return RiskDecision.Allow(quantity);
        }

        var allowedAdd = Math.Max(0, room) / context.Price;
        var allowed = (Math.Sign(context.Position + quantity) * (Math.Abs(context.Position) + allowedAdd)) - context.Position;
        return new RiskDecision(allowed, $"max_gross_exposure: gross exposure limited to {MaxMultiple.ToString(System.Globalization.CultureInfo.InvariantCulture)}x equity");
    }
}

/// <summary>Once equity has fallen <see cref="MaxDrawdown"/> from its peak, refuses every order that opens or adds.</summary>
public sealed record MaxDrawdownHaltValidator(double MaxDrawdown) : IRiskValidator
{
    public bool Breached(double equity, double peak) => peak > 0 && 1 - (equity / peak) >= MaxDrawdown;

    public RiskDecision Check(double quantity, in RiskContext context) =>
        (context.Halted || Breached(context.Equity, context.PeakEquity)) && RiskChain.Increases(context.Position, quantity)
            ? new RiskDecision(0, $"max_drawdown_halt: trading halted after a {MaxDrawdown.ToString("P0", System.Globalization.CultureInfo.InvariantCulture)} drawdown")
            : RiskDecision.Allow(quantity);
}

/// <summary>
/// Stop-loss and take-profit levels (percent from the entry price). These are not order checks but exits:
/// the engine asks for the level a bar touches and exits there (or at the open, if the bar gapped past it).
/// </summary>
public sealed record StopLevels(double? StopLoss, double? TakeProfit)
{
    /// <summary>The stop and take-profit prices of a position entered at <paramref name="entry"/> (null where not set).</summary>
    public (double? Stop, double? Take) Levels(double position, double entry)
    {
        var longSide = position > 0;
        return (
            StopLoss is { } sl ? entry * (longSide ? 1 - sl : 1 + sl) : null,
            TakeProfit is { } tp ? entry * (longSide ? 1 + tp : 1 - tp) : null);
    }

    /// <summary>The exit price if the bar [open, high, low] touches a level of a position entered at <paramref name="entry"/>, else null.</summary>
    public double? ExitPrice(double position, double entry, double open, double high, double low)
    {
        if (position == 0)
        {
            return null;
        }

        var longSide = position > 0;
        var (stop, take) = Levels(position, entry);

        // A gap through a level fills at the open; within the bar the stop is assumed hit first (the cautious reading).
        if (stop is { } s && (longSide ? open <= s : open >= s))
        {
            return open;
        }

        if (take is { } t && (longSide ? open >= t : open <= t))
        {
            return open;
        }

        if (stop is { } s2 && (longSide ? low <= s2 : high >= s2))
        {
            return s2;
        }

        return take is { } t2 && (longSide ? high >= t2 : low <= t2) ? t2 : null;
    }
}
