namespace SignalReplay.Core.Data;

/// <summary>Market data that cannot be taken in: names the file, the line (when there is one) and the reason.</summary>
public sealed class MarketDataException(string file, int? line, string reason)
    : Exception(line is null ? $"{file}: {reason}" : $"{file}, line {line}: {reason}")
{
    public string File { get; } = file;

    /// <summary>1-based physical line number (the header is line 1), or null when the error is about the whole file.</summary>
    public int? Line { get; } = line;

    public string Reason { get; } = reason;
}
