namespace SignalReplay.Core.Optimization;

/// <summary>A run configuration that cannot run: names the file, the line and the key, and says why.</summary>
public sealed class RunConfigException(string source, int line, string key, string reason)
    : Exception(line > 0 ? $"{source} line {line}, key '{key}': {reason}" : $"{source}, key '{key}': {reason}")
{
    public string File { get; } = source;

    /// <summary>1-based; 0 when unknown.</summary>
    public int Line { get; } = line;

    /// <summary>The key's path, such as <c>phases[1].classifier</c>.</summary>
    public string Key { get; } = key;

    public string Reason { get; } = reason;
}
