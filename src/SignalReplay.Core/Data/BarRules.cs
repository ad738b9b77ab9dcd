using System.Globalization;

namespace SignalReplay.Core.Data;

/// <summary>
/// The rules every bar of a base dataset obeys, in one place for every reader: finite positive
/// prices, low &lt;= open, close &lt;= high, non-negative volume, strictly increasing start times.
/// </summary>
public static class BarRules
{
    /// <summary>Why <paramref name="bar"/> breaks a value rule, or null when it keeps them all.</summary>
    public static string? Check(in Bar bar) =>
        PriceProblem("open", bar.Open)
        ?? PriceProblem("high", bar.High)
        ?? PriceProblem("low", bar.Low)
        ?? PriceProblem("close", bar.Close)
        ?? (bar.High < bar.Low ? $"high {Number(bar.High)} is below low {Number(bar.Low)}" : null)
        ?? RangeProblem("open", bar.Open, bar)
        ?? RangeProblem("close", bar.Close, bar)
        ?? VolumeProblem(bar.Volume);

    /// <summary>
    /// Why a bar starting at <paramref name="time"/> cannot follow one starting at <paramref name="previous"/>
    /// (found at <paramref name="previousWhere"/>, e.g. "line 4"), or null when it can.
    /// </summary>
    public static string? CheckOrder(long previous, long time, string previousWhere) =>
        time == previous ? $"duplicate timestamp {Format(time)}: {previousWhere} has the same one"
        : time < previous ? $"timestamps are not sorted: {Format(time)} comes after {Format(previous)} on {previousWhere}"
        : null;

    /// <summary>An instant as ISO 8601 UTC, the way messages show it.</summary>
    public static string Format(long time) =>
        DateTimeOffset.FromUnixTimeMilliseconds(time).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    private static string? PriceProblem(string name, double price) =>
        !double.IsFinite(price) ? $"{name} is not a finite number ({Number(price)})"
        : price <= 0 ? $"{name} must be positive, not {Number(price)}"
        : null;

    private static string? RangeProblem(string name, double price, in Bar bar) =>
        price < bar.Low || price > bar.High
            ? $"{name} {Number(price)} is outside [low {Number(bar.Low)}, high {Number(bar.High)}]"
            : null;

    private static string? VolumeProblem(double volume) =>
        !double.IsFinite(volume) ? $"volume is not a finite number ({Number(volume)})"
        : volume < 0 ? $"volume must not be negative, not {Number(volume)}"
        : null;

    // Invariant formatting prints infinity as '∞'; messages say what a CSV file would contain.
    private static string Number(double value) => value switch
    {
        double.PositiveInfinity => "Infinity",
        double.NegativeInfinity => "-Infinity",
        _ => value.ToString("R", CultureInfo.InvariantCulture),
    };
}
