using System.Globalization;
using YamlDotNet.RepresentationModel;

namespace SignalReplay.Core.Optimization;

/// <summary>
/// One YAML node of a run configuration with its key path, so every typed read can fail with the
/// file, the line and the key. Lists accept a single scalar as a one-item list.
/// </summary>
internal sealed class ConfigNode(YamlNode node, string path, string source)
{
    public string Path => path;

    public int Line => (int)node.Start.Line;

    public RunConfigException Error(string reason) => new(source, Line, path, reason);

    /// <summary><c>none</c>, <c>null</c>, <c>~</c> or an empty value: a setting that is off.</summary>
    public bool IsNone => node is YamlScalarNode { Value: null or "" or "~" or "null" or "none" or "Null" or "None" } scalar
        && scalar.Style is not (YamlDotNet.Core.ScalarStyle.SingleQuoted or YamlDotNet.Core.ScalarStyle.DoubleQuoted);

    public ConfigMap Map() => node is YamlMappingNode mapping
        ? new ConfigMap(mapping, this, source)
        : throw Error($"expected a mapping of keys, not {Describe()}.");

    public IReadOnlyList<ConfigNode> List(bool allowEmpty = false)
    {
        if (node is not YamlSequenceNode sequence)
        {
            throw Error($"expected a list, not {Describe()}.");
        }

        return sequence.Children.Count == 0 && !allowEmpty
            ? throw Error("the list is empty: give at least one item.")
            : [.. sequence.Children.Select((child, i) => new ConfigNode(child, $"{path}[{i}]", source))];
    }

    /// <summary>A list, or one scalar read as a list of one (<c>fill: next_open</c> = <c>fill: [next_open]</c>).</summary>
    public IReadOnlyList<ConfigNode> Alternatives() => node is YamlSequenceNode ? List() : [this];

    public string Text()
    {
        if (node is not YamlScalarNode { Value: { Length: > 0 } value })
        {
            throw Error($"expected a value, not {Describe()}.");
        }

        return value;
    }

    public double Number()
    {
        var text = Text();
        return text switch
        {
            "true" => 1,
            "false" => 0,
            _ => double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && double.IsFinite(value)
                ? value
                : throw Error($"'{text}' is not a number."),
        };
    }

    public double Number(Func<double, bool> allowed, string rule)
    {
        var value = Number();
        return allowed(value) ? value : throw Error($"{value.ToString(CultureInfo.InvariantCulture)} is out of range: {rule}.");
    }

    public double? NumberOrNone(Func<double, bool> allowed, string rule) => IsNone ? null : Number(allowed, rule);

    public int Int(int minimum)
    {
        var value = Number();
        return value == Math.Floor(value) && value >= minimum && value <= int.MaxValue
            ? (int)value
            : throw Error($"expected a whole number of at least {minimum}, not {Text()}.");
    }

    public bool Bool() => Text() switch
    {
        "true" => true,
        "false" => false,
        var other => throw Error($"expected true or false, not '{other}'."),
    };

    public T Choice<T>(IReadOnlyDictionary<string, T> choices) =>
        choices.TryGetValue(Text(), out var value)
            ? value
            : throw Error($"'{Text()}' is not one of {string.Join(", ", choices.Keys)}.");

    public DateOnly Date() =>
        DateOnly.TryParseExact(Text(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date)
            ? date
            : throw Error($"'{Text()}' is not a date written yyyy-MM-dd.");

    /// <summary>A name safe as a path segment: letters, digits, '-', '_', '.', not starting with '.'.</summary>
    public string Name(int maxLength = 64)
    {
        var text = Text();
        return text.Length <= maxLength && text[0] != '.' && text.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.')
            ? text
            : throw Error($"'{text}' is not a valid name: use 1 to {maxLength} letters, digits, '-', '_' or '.', not starting with '.'.");
    }

    public SeriesId Series()
    {
        try
        {
            return SeriesId.Parse(Text());
        }
        catch (FormatException error)
        {
            throw Error(error.Message);
        }
    }

    private string Describe() => node switch
    {
        YamlMappingNode => "a mapping",
        YamlSequenceNode => "a list",
        YamlScalarNode { Value: null or "" } => "an empty value",
        YamlScalarNode scalar => $"'{scalar.Value}'",
        _ => "this node",
    };
}

/// <summary>A mapping of a run configuration: duplicate and unknown keys are errors naming them.</summary>
internal sealed class ConfigMap
{
    private readonly Dictionary<string, ConfigNode> _entries = new(StringComparer.Ordinal);
    private readonly ConfigNode _self;
    private readonly string _source;

    public ConfigMap(YamlMappingNode mapping, ConfigNode self, string source)
    {
        (_self, _source) = (self, source);
        foreach (var (keyNode, value) in mapping.Children)
        {
            var key = keyNode is YamlScalarNode { Value: { } text } ? text : throw new RunConfigException(source, (int)keyNode.Start.Line, self.Path, "a key must be a plain word.");
            var path = self.Path.Length == 0 ? key : $"{self.Path}.{key}";
            if (!_entries.TryAdd(key, new ConfigNode(value, path, source)))
            {
                throw new RunConfigException(source, (int)keyNode.Start.Line, path, "the key is given twice.");
            }
        }
    }

    public IReadOnlyCollection<string> Keys => _entries.Keys;

    public ConfigNode Node => _self;

    /// <summary>Refuses every key not in <paramref name="known"/>.</summary>
    public ConfigMap Allow(params string[] known)
    {
        foreach (var (key, node) in _entries)
        {
            if (!known.Contains(key))
            {
                throw node.Error($"unknown key '{key}'; known keys here are {string.Join(", ", known)}.");
            }
        }

        return this;
    }

    public ConfigNode Required(string key) => _entries.TryGetValue(key, out var node)
        ? node
        : throw new RunConfigException(_source, _self.Line, _self.Path.Length == 0 ? key : $"{_self.Path}.{key}", "this key is required and missing.");

    public ConfigNode? Optional(string key) => _entries.GetValueOrDefault(key);
}
