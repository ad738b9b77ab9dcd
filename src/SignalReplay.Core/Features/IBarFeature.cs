namespace SignalReplay.Core.Features;

/// <summary>
/// An incremental indicator over one series: O(1) per bar, no value (NaN, <see cref="IsReady"/>
/// false) until it has seen enough bars, since SPEC 4 allows no partial windows.
/// </summary>
public interface IBarFeature
{
    bool IsReady { get; }

    /// <summary>The main output; NaN before <see cref="IsReady"/>.</summary>
    double Value { get; }

    void Update(in Bar bar);

    /// <summary>The output called <paramref name="output"/> (<c>value</c> is <see cref="Value"/>); a feature with several outputs overrides it.</summary>
    double Output(string output) => output == "value" ? Value : throw new ArgumentException($"Feature {GetType().Name} has no output '{output}'.");
}

/// <summary>An incremental indicator over two series: each bar of its own series, paired with the other series' latest close.</summary>
public interface IPairedFeature
{
    bool IsReady { get; }

    /// <summary>The output; NaN before <see cref="IsReady"/>.</summary>
    double Value { get; }

    void Update(double close, double otherClose);
}

/// <summary>Argument checks shared by the features, with errors naming the feature and parameter.</summary>
internal static class FeatureArguments
{
    public static void RequirePositive(int value, string feature, string parameter)
    {
        if (value <= 0)
        {
            throw new ArgumentOutOfRangeException(parameter, value, $"Feature {feature}: {parameter} must be a positive whole number, not {value}.");
        }
    }

    public static void RequireAtLeast(int value, int minimum, string feature, string parameter)
    {
        if (value < minimum)
        {
            throw new ArgumentOutOfRangeException(parameter, value, $"Feature {feature}: {parameter} must be at least {minimum}, not {value}.");
        }
    }
}
