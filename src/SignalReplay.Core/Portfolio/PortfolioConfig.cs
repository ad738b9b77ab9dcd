namespace SignalReplay.Core.Portfolio;

/// <summary>
/// One strategy instance a portfolio trades, on its primary series, with a weight in (0, 1]. With <see cref="Regimes"/>
/// (labels of the portfolio's <see cref="RegimeFilter"/> classifier) it opens and adds only in those regimes, so each
/// strategy of a regime-adaptive portfolio trades in its own regimes; without, in every regime the filter allows.
/// </summary>
public sealed record StrategyAssignment(string StrategyInstance, SeriesId Series, double Weight = 1, IReadOnlySet<string>? Regimes = null);

/// <summary>What happens to positions when the regime leaves the allowed set.</summary>
public enum RegimeExit
{
    Hold,
    Close,
}

/// <summary>Trade only while <see cref="Classifier"/> is in one of <see cref="Allowed"/> (SPEC 6).</summary>
public sealed record RegimeFilter(string Classifier, IReadOnlySet<string> Allowed, RegimeExit OnExit = RegimeExit.Hold);

/// <summary>Which traced events a portfolio keeps.</summary>
public enum TraceRetention
{
    /// <summary>Every event.</summary>
    All,

    /// <summary>A trade's events only until it closes; then its closed-trade row is the record.</summary>
    TradeComplete,

    /// <summary>No events.</summary>
    None,
}

/// <summary>The risk limits of a portfolio; each is off when null.</summary>
public sealed record RiskLimits(
    double? MaxPositionFraction = null,
    double? MaxGrossExposure = null,
    double? StopLoss = null,
    double? TakeProfit = null,
    double? MaxDrawdownHalt = null)
{
    public static RiskLimits None { get; } = new();

    public IReadOnlyList<IRiskValidator> Validators() =>
    [
        .. MaxPositionFraction is { } position ? [new MaxPositionValidator(position)] : Array.Empty<IRiskValidator>(),
        .. MaxGrossExposure is { } gross ? [new MaxGrossExposureValidator(gross)] : Array.Empty<IRiskValidator>(),
        .. MaxDrawdownHalt is { } drawdown ? [new MaxDrawdownHaltValidator(drawdown)] : Array.Empty<IRiskValidator>(),
    ];
}

/// <summary>
/// The bars a portfolio trades: those that start in [<see cref="From"/>, <see cref="To"/>) (Unix ms UTC).
/// Earlier bars and signals only warm it up (prices, volatility, each strategy's current target); at
/// the window's first bar it takes the positions its strategies hold then, as SPEC 5's state at a bar
/// reconstructed from changes. Later bars are not seen.
/// </summary>
public sealed record TradingWindow(long From, long To)
{
    public override string ToString() =>
        $"[{DateTimeOffset.FromUnixTimeMilliseconds(From):yyyy-MM-dd HH:mm}, {DateTimeOffset.FromUnixTimeMilliseconds(To):yyyy-MM-dd HH:mm}) UTC";
}

/// <summary>One portfolio configuration (SPEC 6).</summary>
public sealed record PortfolioConfig(
    string Id,
    IReadOnlyList<StrategyAssignment> Assignments,
    Sizing Sizing,
    ExecutionModel Execution,
    RiskLimits Risk,
    RegimeFilter? RegimeFilter = null,
    double StartingCash = 10_000,
    TraceRetention Tracing = TraceRetention.None,
    int VolatilityLookback = 20,
    TradingWindow? Window = null)
{
    /// <summary>Throws an <see cref="ArgumentException"/> naming the portfolio and the value that cannot work.</summary>
    public PortfolioConfig Validate()
    {
        if (Assignments.Count == 0)
        {
            throw new ArgumentException($"Portfolio '{Id}' trades no strategy.");
        }

        // A strategy may be assigned again only for other regimes: once per disjoint set of its own regimes.
        var duplicate = Assignments.GroupBy(a => a.StrategyInstance).FirstOrDefault(g => g.Count() > 1 && !Disjoint(g));
        if (duplicate is not null)
        {
            throw new ArgumentException($"Portfolio '{Id}' assigns strategy {duplicate.Key} more than once{(duplicate.All(a => a.Regimes is not null) ? " in one regime" : string.Empty)}.");
        }

        var weight = Assignments.FirstOrDefault(a => !(a.Weight > 0 && a.Weight <= 1));
        if (weight is not null)
        {
            throw new ArgumentException($"Portfolio '{Id}': weight {weight.Weight} of {weight.StrategyInstance} must be in (0, 1].");
        }

        var adaptive = Assignments.FirstOrDefault(a => a.Regimes is not null);
        if (adaptive is not null && RegimeFilter is null)
        {
            throw new ArgumentException($"Portfolio '{Id}': strategy {adaptive.StrategyInstance} trades in its own regimes, but the portfolio follows no classifier (it has no regime filter).");
        }

        var outside = Assignments.FirstOrDefault(a => a.Regimes is { } own && (own.Count == 0 || !own.IsSubsetOf(RegimeFilter!.Allowed)));
        if (outside is not null)
        {
            throw new ArgumentException(
                $"Portfolio '{Id}': strategy {outside.StrategyInstance} trades in regimes [{string.Join(", ", outside.Regimes!.Order(StringComparer.Ordinal))}], "
                + $"which must be some of those its filter on '{RegimeFilter!.Classifier}' allows: [{string.Join(", ", RegimeFilter.Allowed.Order(StringComparer.Ordinal))}].");
        }

        if (!(StartingCash > 0) || !double.IsFinite(StartingCash))
        {
            throw new ArgumentException($"Portfolio '{Id}': starting cash must be positive, not {StartingCash}.");
        }

        Execution.Validate();
        if (Window is { } window && window.From >= window.To)
        {
            throw new ArgumentException($"Portfolio '{Id}': trading window {window} is empty.");
        }

        return this;
    }

    private static bool Disjoint(IEnumerable<StrategyAssignment> assignments)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        return assignments.All(a => a.Regimes is { } own && own.All(seen.Add));
    }
}

/// <summary>A traced portfolio event (SPEC 6): ORDER, FILL, POSITION_OPEN, POSITION_CLOSE, RISK_REJECT.</summary>
public sealed record TraceEvent(string Kind, long Time, string Symbol, double Quantity, double Price, string? Detail = null);
