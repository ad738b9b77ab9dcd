using Parquet;
using Parquet.Schema;
using SignalReplay.Storage.Parquet;

namespace SignalReplay.Storage.Results;

/// <summary>
/// A Parquet file too large to hold in memory, written a row group at a time to a local temporary file: created
/// with the first group, read back or stored once finished, deleted when disposed.
/// </summary>
internal sealed class ParquetSpill(string kind, ParquetSchema schema, FileSchema fileSchema) : IAsyncDisposable
{
    private readonly string _path = Path.Combine(Path.GetTempPath(), $"signalreplay-{kind}-{Guid.NewGuid():N}.parquet");
    private FileStream? _file;
    private ParquetWriter? _writer;

    /// <summary>Appends one row group, its columns written by <paramref name="write"/>.</summary>
    public async Task WriteGroupAsync(Func<ParquetRowGroupWriter, Task> write, CancellationToken cancellationToken)
    {
        if (_writer is null)
        {
            _file = new FileStream(_path, FileMode.Create, FileAccess.ReadWrite, FileShare.None);
            _writer = await ParquetTable.CreateWriterAsync(_file, schema, fileSchema, new Dictionary<string, string>(), cancellationToken);
        }

        using var group = _writer.CreateRowGroup();
        await write(group);
    }

    /// <summary>Closes the file and returns it from its start, or null when no group was written.</summary>
    public async Task<Stream?> FinishAsync()
    {
        if (_writer is not null)
        {
            await _writer.DisposeAsync();
            _writer = null;
        }

        if (_file is not null)
        {
            _file.Position = 0;
        }

        return _file;
    }

    public async ValueTask DisposeAsync()
    {
        if (_writer is not null)
        {
            await _writer.DisposeAsync();
        }

        if (_file is not null)
        {
            await _file.DisposeAsync();
        }

        File.Delete(_path);
    }
}
