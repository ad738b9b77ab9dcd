namespace SignalReplay.Storage.Objects;

/// <summary>
/// A validated object key: '/'-separated segments of safe characters, no '.' or '..' segment,
/// no leading or trailing '/', so a key can never name anything outside its store.
/// </summary>
public readonly record struct ObjectKey
{
    public const int MaxLength = 1024;

    private ObjectKey(string value) => Value = value;

    public string Value { get; }

    public static ObjectKey Parse(string key) =>
        Validate(key) is { } reason ? throw new InvalidObjectKeyException(key, reason) : new ObjectKey(key);

    public static bool TryParse(string? key, out ObjectKey parsed)
    {
        parsed = default;
        if (key is null || Validate(key) is not null)
        {
            return false;
        }

        parsed = new ObjectKey(key);
        return true;
    }

    /// <summary>Joins <paramref name="segments"/> with '/' and validates the result.</summary>
    public static ObjectKey Combine(params string[] segments) => Parse(string.Join('/', segments));

    /// <summary>Whether the key lies under <paramref name="prefix"/> as a string prefix (<c>data/base/</c>).</summary>
    public bool StartsWith(string prefix) => Value.StartsWith(prefix, StringComparison.Ordinal);

    public override string ToString() => Value;

    private static string? Validate(string key)
    {
        if (key.Length == 0)
        {
            return "it is empty";
        }

        if (key.Length > MaxLength)
        {
            return $"it is longer than {MaxLength} characters";
        }

        if (key[0] == '/' || key[^1] == '/')
        {
            return "it starts or ends with '/'";
        }

        foreach (var segment in key.Split('/'))
        {
            if (segment.Length == 0)
            {
                return "it has an empty segment ('//')";
            }

            if (segment is "." or "..")
            {
                return $"it has a '{segment}' segment";
            }

            var bad = segment.FirstOrDefault(c => !IsAllowed(c));
            if (bad != default)
            {
                return char.IsControl(bad)
                    ? "it has a control character"
                    : $"it has the character '{bad}' (allowed: letters, digits and - _ . = | , ( ) + @)";
            }
        }

        return null;
    }

    // Strategy instance ids such as momentum(fast=10,slow=50)|ff=0.5 must be usable as file names,
    // so their punctuation is allowed; path separators, ':' (drive letters), '*' and '?' are not.
    private static bool IsAllowed(char c) => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or '=' or '|' or ',' or '(' or ')' or '+' or '@';
}

/// <summary>A key that breaks a rule of <see cref="ObjectKey"/>.</summary>
public sealed class InvalidObjectKeyException(string key, string reason)
    : ArgumentException($"'{key}' is not a valid object key: {reason}.")
{
    public string Key { get; } = key;
}
