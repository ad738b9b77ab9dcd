namespace SignalReplay.Storage.Objects;

/// <summary>
/// Tag rules shared by every store, taken from Azure blob index tags so that a tag accepted
/// locally is accepted in the cloud too.
/// </summary>
public static class ObjectTags
{
    public const int MaxCount = 10;

    public static readonly IReadOnlyDictionary<string, string> None = new Dictionary<string, string>();

    /// <summary>Throws an <see cref="ArgumentException"/> naming the key and the broken rule.</summary>
    public static void Validate(ObjectKey key, IReadOnlyDictionary<string, string>? tags)
    {
        if (tags is null)
        {
            return;
        }

        if (tags.Count > MaxCount)
        {
            throw new ArgumentException($"Object '{key}': {tags.Count} tags, at most {MaxCount} are allowed.");
        }

        foreach (var (name, value) in tags)
        {
            if (name.Length is 0 or > 128 || !name.All(IsAllowed))
            {
                throw new ArgumentException($"Object '{key}': tag name '{name}' must be 1 to 128 letters, digits, spaces or + - . / : = _.");
            }

            if (value.Length > 256 || !value.All(IsAllowed))
            {
                throw new ArgumentException($"Object '{key}': tag '{name}' value '{value}' must be up to 256 letters, digits, spaces or + - . / : = _.");
            }
        }
    }

    private static bool IsAllowed(char c) => char.IsAsciiLetterOrDigit(c) || c is ' ' or '+' or '-' or '.' or '/' or ':' or '=' or '_';
}
