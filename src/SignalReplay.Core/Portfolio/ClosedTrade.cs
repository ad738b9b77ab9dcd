namespace SignalReplay.Core.Portfolio;

/// <summary>
/// A round trip in one symbol: opened at one fill, closed at another. <see cref="Quantity"/> is signed
/// (negative for a short); <see cref="Pnl"/> is net of both fills' costs.
/// </summary>
public sealed record ClosedTrade(
    string Symbol,
    long EntryTime,
    long ExitTime,
    double Quantity,
    double EntryPrice,
    double ExitPrice,
    double Pnl)
{
    /// <summary>The filter classifier's regime when the trade opened (null without a regime filter).</summary>
    public string? RegimeAtOpen { get; init; }

    /// <summary>The filter classifier's regime when the trade closed.</summary>
    public string? RegimeAtClose { get; init; }

    /// <summary>Opened in one regime and closed in another (SPEC 6 boundary trade).</summary>
    public bool IsBoundaryTrade => RegimeAtOpen != RegimeAtClose;

    /// <summary>Net P&amp;L over the capital the entry committed (|quantity| x entry price).</summary>
    public double Return => ReturnOf(Pnl, Quantity, EntryPrice);

    /// <summary><see cref="Return"/> of a trade with these numbers.</summary>
    public static double ReturnOf(double pnl, double quantity, double entryPrice) => pnl / (Math.Abs(quantity) * entryPrice);
}
