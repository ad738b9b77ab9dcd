using System.Globalization;
using System.Text.RegularExpressions;

namespace SignalReplay.Core.Optimization;

/// <summary>
/// A condition on one strategy's parameter combinations (<c>constraint: fast &lt; slow</c>): a comparison of two
/// operands, each a parameter name or a number. Combinations it does not hold for are skipped, not refused.
/// </summary>
public sealed partial record ParameterConstraint(string Left, string Operator, string Right)
{
    private static readonly string[] Operators = ["<=", ">=", "==", "!=", "<", ">"];

    /// <summary>Parses <c>NAME OP NAME|NUMBER</c> (OP one of &lt; &lt;= &gt; &gt;= == !=); the error says what is wrong.</summary>
    public static ParameterConstraint Parse(string text)
    {
        var match = Form().Match(text);
        if (!match.Success)
        {
            throw new ArgumentException($"'{text}' is not a constraint: write two parameters or a parameter and a number compared by one of {string.Join(' ', Operators)}, e.g. 'fast < slow'.");
        }

        return new ParameterConstraint(match.Groups["left"].Value, match.Groups["op"].Value, match.Groups["right"].Value);
    }

    /// <summary>The parameter names it compares.</summary>
    public IEnumerable<string> Names => new[] { Left, Right }.Where(operand => !IsNumber(operand));

    public bool Holds(IReadOnlyDictionary<string, double> parameters)
    {
        double left = Value(Left, parameters), right = Value(Right, parameters);
        return Operator switch
        {
            "<" => left < right,
            "<=" => left <= right,
            ">" => left > right,
            ">=" => left >= right,
            "==" => left == right,
            _ => left != right,
        };
    }

    public override string ToString() => $"{Left} {Operator} {Right}";

    private static double Value(string operand, IReadOnlyDictionary<string, double> parameters) =>
        IsNumber(operand) ? double.Parse(operand, CultureInfo.InvariantCulture) : parameters[operand];

    private static bool IsNumber(string operand) => operand[0] is '-' or '.' || char.IsAsciiDigit(operand[0]);

    [GeneratedRegex(@"^\s*(?<left>[A-Za-z_][A-Za-z0-9_]*|-?[0-9]+(\.[0-9]+)?)\s*(?<op><=|>=|==|!=|<|>)\s*(?<right>[A-Za-z_][A-Za-z0-9_]*|-?[0-9]+(\.[0-9]+)?)\s*$")]
    private static partial Regex Form();
}
