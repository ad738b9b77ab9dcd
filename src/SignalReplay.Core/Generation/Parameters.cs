using System.Globalization;

namespace SignalReplay.Core.Generation;

/// <summary>
/// Reads a decider's parameters with defaults and ranges, then refuses any it did not read, so a
/// misspelt parameter is an error naming it rather than a silent default.
/// </summary>
public sealed class Parameters(string owner, IReadOnlyDictionary<string, double> given)
{
    private readonly List<(string Name, double Value)> _read = [];
    private readonly List<ParameterDeclaration> _declared = [];

    /// <summary>The parameters read so far, in reading order: they name the instance.</summary>
    public IReadOnlyList<(string Name, double Value)> Read => _read;

    /// <summary>What each read parameter is: its type, default and range, in reading order.</summary>
    public IReadOnlyList<ParameterDeclaration> Declarations => _declared;

    public int Int(string name, int defaultValue, int minimum = 1, int maximum = 1_000_000)
    {
        _declared.Add(new ParameterDeclaration(name, "int", defaultValue, minimum, maximum));
        var value = Take(name, defaultValue);
        if (value != Math.Floor(value) || value < minimum || value > maximum)
        {
            throw new ArgumentException($"{owner}: parameter '{name}' must be a whole number from {minimum} to {maximum}, not {Format(value)}.");
        }

        return (int)value;
    }

    public double Number(string name, double defaultValue, double minimum, double maximum)
    {
        _declared.Add(new ParameterDeclaration(name, "number", defaultValue, minimum, maximum));
        var value = Take(name, defaultValue);
        if (!double.IsFinite(value) || value < minimum || value > maximum)
        {
            throw new ArgumentException($"{owner}: parameter '{name}' must be from {Format(minimum)} to {Format(maximum)}, not {Format(value)}.");
        }

        return value;
    }

    public bool Flag(string name, bool defaultValue)
    {
        _declared.Add(new ParameterDeclaration(name, "flag", defaultValue ? 1 : 0, 0, 1));
        var value = Take(name, defaultValue ? 1 : 0);
        return value switch
        {
            0 => false,
            1 => true,
            _ => throw new ArgumentException($"{owner}: parameter '{name}' is a flag: 0 or 1 (false or true), not {Format(value)}."),
        };
    }

    /// <summary>Refuses parameters that were given but never read.</summary>
    public void RejectUnknown()
    {
        var unknown = given.Keys.Where(name => _read.All(read => read.Name != name)).Order(StringComparer.Ordinal).ToList();
        if (unknown.Count > 0)
        {
            throw new ArgumentException(
                $"{owner}: unknown parameter(s) {string.Join(", ", unknown.Select(u => $"'{u}'"))}; it takes {string.Join(", ", _read.Select(r => r.Name))}.");
        }
    }

    /// <summary><c>name(a=1,b=2)</c> with every parameter, defaults included, in reading order.</summary>
    public string Describe(string name) =>
        $"{name}({string.Join(',', _read.Select(p => $"{p.Name}={Format(p.Value)}"))})";

    private double Take(string name, double defaultValue)
    {
        var value = given.TryGetValue(name, out var v) ? v : defaultValue;
        _read.Add((name, value));
        return value;
    }

    private static string Format(double value) => value.ToString("R", CultureInfo.InvariantCulture);
}
