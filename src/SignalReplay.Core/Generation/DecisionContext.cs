namespace SignalReplay.Core.Generation;

/// <summary>
/// What a classifier or strategy sees when it decides: its requested feature outputs now and at
/// its series' previous bar, the latest bar of each of its series (and whether that bar is stale),
/// the current regimes and its own current target. One instance is reused for every call.
/// </summary>
public sealed class DecisionContext
{
    internal double[] Current = [];
    internal double[] Previous = [];
    internal Bar[] Bars = [];
    internal bool[] StaleFlags = [];
    internal Func<string, string?> RegimeLookup = _ => null;

    /// <summary>The decider's target before this decision (0 before its first signal).</summary>
    public double CurrentTarget { get; internal set; }

    /// <summary>Output <paramref name="request"/> (index into the decider's feature list) now; NaN before it is ready.</summary>
    public double Feature(int request) => Current[request];

    /// <summary>Output <paramref name="request"/> as it was after the previous bar of its series.</summary>
    public double PreviousFeature(int request) => Previous[request];

    /// <summary>The latest bar of series <paramref name="ordinal"/> (index into the decider's series) that has ended.</summary>
    public Bar Bar(int ordinal) => Bars[ordinal];

    /// <summary>True when series <paramref name="ordinal"/> had no bar where its peers had one, so <see cref="Bar"/> is an older one.</summary>
    public bool IsStale(int ordinal) => StaleFlags[ordinal];

    /// <summary>The current label of classifier <paramref name="classifier"/>, or null before it has classified.</summary>
    public string? Regime(string classifier) => RegimeLookup(classifier);
}
