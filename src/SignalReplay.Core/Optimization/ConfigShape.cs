using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace SignalReplay.Core.Optimization;

/// <summary>
/// What a run configuration's text may be before it is parsed into a tree: at most <see cref="MaxDepth"/> levels of
/// nesting and <see cref="MaxNodes"/> nodes, keys and values of at most <see cref="MaxScalarLength"/> characters (so no
/// error message echoes a megabyte), and no anchors or aliases. YamlDotNet builds its tree recursively, so a
/// document nested thousands of levels deep would overflow the stack and end the process, and aliases let a few
/// lines stand for billions of nodes; this pass reads the document's events one at a time and refuses both first.
/// </summary>
internal static class ConfigShape
{
    /// <summary>The deepest a run configuration needs is about 6 (<c>strategies[0].params.fast[0]</c>).</summary>
    public const int MaxDepth = 64;

    /// <summary>Far above any grid a run configuration lists by hand (the million-configuration GOOG sweep has ~330).</summary>
    public const int MaxNodes = 100_000;

    /// <summary>The longest key or value: names are at most 64 characters, dates and numbers far less.</summary>
    public const int MaxScalarLength = 1_024;

    public static void Check(string text, string source)
    {
        var parser = new Parser(new StringReader(text));
        var (depth, nodes) = (0, 0);
        try
        {
            while (parser.MoveNext())
            {
                switch (parser.Current)
                {
                    case AnchorAlias alias:
                        throw Refused(source, alias, $"aliases (*{Shown(alias.Value.Value)}) are not supported: write the values out.");
                    case NodeEvent { Anchor.IsEmpty: false } anchored:
                        throw Refused(source, anchored, $"anchors (&{Shown(anchored.Anchor.Value)}) are not supported: write the values out.");
                    case Scalar { Value.Length: > MaxScalarLength } scalar:
                        throw Refused(source, scalar, $"a key or value of {scalar.Value.Length:N0} characters (column {scalar.Start.Column}); none may be longer than {MaxScalarLength:N0}.");
                    case MappingStart or SequenceStart when ++depth > MaxDepth:
                        throw Refused(source, parser.Current, $"nested more than {MaxDepth} levels deep.");
                    case MappingEnd or SequenceEnd:
                        depth--;
                        break;
                }

                if (parser.Current is NodeEvent && ++nodes > MaxNodes)
                {
                    throw Refused(source, parser.Current, $"more than {MaxNodes:N0} values: a run configuration lists its alternatives, it is not a data file.");
                }
            }
        }
        catch (YamlException error)
        {
            throw new RunConfigException(source, (int)error.Start.Line, "(document)", $"not valid YAML or JSON: {error.Message}");
        }
    }

    private static string Shown(string name) => name.Length <= 32 ? name : $"{name[..32]}...";

    private static RunConfigException Refused(string source, ParsingEvent at, string reason) =>
        new(source, (int)at.Start.Line, "(document)", reason);
}
