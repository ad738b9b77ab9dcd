using System.Globalization;

namespace SignalReplay.Cli;

/// <summary>
/// Command-line decider specs: <c>name@SERIES[+SERIES...][:key=value,...]</c>, where a value may list
/// alternatives with '|' (<c>fast=5|10|20</c>) to expand into one instance per combination.
/// </summary>
internal static class DeciderSpec
{
    /// <summary>The (catalog name, series, parameters) of every instance <paramref name="spec"/> lists.</summary>
    public static IEnumerable<(string Name, SeriesId[] Series, Dictionary<string, double> Parameters)> Expand(string spec)
    {
        var at = spec.IndexOf('@');
        if (at <= 0)
        {
            throw new FormatException($"'{spec}' is not a decider spec: expected name@SERIES[+SERIES][:key=value,...], such as momentum@SPY_1m:fast=10,slow=50.");
        }

        var name = spec[..at];
        var rest = spec[(at + 1)..];
        var colon = rest.IndexOf(':');
        var series = (colon < 0 ? rest : rest[..colon]).Split('+').Select(SeriesId.Parse).ToArray();
        var choices = new List<(string Key, double[] Values)>();
        foreach (var pair in colon < 0 ? [] : rest[(colon + 1)..].Split(',', StringSplitOptions.RemoveEmptyEntries))
        {
            var equals = pair.IndexOf('=');
            if (equals <= 0)
            {
                throw new FormatException($"'{spec}': '{pair}' is not key=value.");
            }

            choices.Add((pair[..equals], [.. pair[(equals + 1)..].Split('|').Select(value => ParseValue(spec, pair[..equals], value))]));
        }

        IEnumerable<Dictionary<string, double>> combinations = [new Dictionary<string, double>()];
        foreach (var (key, values) in choices)
        {
            combinations = combinations.SelectMany(partial => values.Select(value => new Dictionary<string, double>(partial) { [key] = value }));
        }

        return combinations.Select(parameters => (name, series, parameters));
    }

    private static double ParseValue(string spec, string key, string value) => value switch
    {
        "true" => 1,
        "false" => 0,
        _ => double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var number)
            ? number
            : throw new FormatException($"'{spec}': value '{value}' of '{key}' is not a number, true or false."),
    };
}
