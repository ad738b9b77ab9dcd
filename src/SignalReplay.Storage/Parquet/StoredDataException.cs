namespace SignalReplay.Storage.Parquet;

/// <summary>A stored file that cannot be used: truncated, corrupt, of another schema or version.</summary>
public sealed class StoredDataException(string file, string reason, Exception? inner = null)
    : Exception($"{file}: {reason}", inner)
{
    /// <summary>The object key or path of the file.</summary>
    public string File { get; } = file;

    public string Reason { get; } = reason;
}
