using System.Globalization;

namespace SignalReplay.Cli;

/// <summary>A number in a table cell: an undefined metric (NaN) shows as "n/a", never as a number.</summary>
internal static class Cell
{
    public static string Of(double value, string format) =>
        double.IsNaN(value) ? "n/a" : value.ToString(format, CultureInfo.InvariantCulture);
}
