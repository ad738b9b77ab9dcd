using System.Globalization;
using Parquet;
using Parquet.Schema;

namespace SignalReplay.Storage.Parquet;

/// <summary>
/// The plumbing every Parquet file of the project shares: one set of options, a schema name
/// and version in the file's key-value metadata, whole-column reads across row groups, and
/// errors that name the file instead of leaking Parquet.Net internals.
/// </summary>
public static class ParquetTable
{
    public const string SchemaKey = "signalreplay.schema";
    public const string SchemaVersionKey = "signalreplay.schema_version";

    // Zstd at Optimal: the default (SmallestSize) is ~25x slower to write for a few percent.
    private static readonly ParquetOptions Options = new()
    {
        CompressionMethod = CompressionMethod.Zstd,
        CompressionLevel = System.IO.Compression.CompressionLevel.Optimal,
    };

    // Sorted bar_idx columns are what sparse indices are made of: delta-encoded they cost a byte
    // or two per row instead of four, which is the difference between a sparse file that is smaller
    // than the run-length-encoded dense column and one that is not.
    private static ParquetOptions WriteOptions(ParquetSchema schema)
    {
        var options = new ParquetOptions
        {
            CompressionMethod = Options.CompressionMethod,
            CompressionLevel = Options.CompressionLevel,
        };
        foreach (var field in schema.DataFields.Where(field => field.ClrType == typeof(int) && field.Name.Contains("bar_idx", StringComparison.Ordinal)))
        {
            options.ColumnEncodingHints[field.Path.ToString()] = EncodingHint.DeltaBinaryPacked;
        }

        return options;
    }

    /// <summary>Writes one row group of <paramref name="schema"/> with the schema name and version stamped in.</summary>
    public static Task WriteAsync(
        Stream output,
        ParquetSchema schema,
        FileSchema fileSchema,
        IReadOnlyDictionary<string, string> metadata,
        Func<ParquetRowGroupWriter, Task> writeColumns,
        CancellationToken cancellationToken) =>
        WriteRowGroupsAsync(output, schema, fileSchema, metadata, rows: 0, rowsPerGroup: 1, (rowGroup, _) => writeColumns(rowGroup), cancellationToken);

    /// <summary>
    /// Writes <paramref name="rows"/> rows of <paramref name="schema"/> in row groups of at most
    /// <paramref name="rowsPerGroup"/>, so a reader can decode only the groups it needs; <paramref name="writeColumns"/>
    /// writes the rows of one group's range.
    /// </summary>
    public static async Task WriteRowGroupsAsync(
        Stream output,
        ParquetSchema schema,
        FileSchema fileSchema,
        IReadOnlyDictionary<string, string> metadata,
        int rows,
        int rowsPerGroup,
        Func<ParquetRowGroupWriter, Range, Task> writeColumns,
        CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(rowsPerGroup, 1);
        await using var writer = await CreateWriterAsync(output, schema, fileSchema, metadata, cancellationToken);
        var from = 0;
        do
        {
            var to = Math.Min(rows, from + rowsPerGroup);
            using var rowGroup = writer.CreateRowGroup();
            await writeColumns(rowGroup, from..to);
            from = to;
        }
        while (from < rows);
    }

    /// <summary>
    /// A writer of <paramref name="schema"/> with the project's options and the schema name and version stamped in,
    /// for files written a row group at a time as their rows arrive.
    /// </summary>
    public static async Task<ParquetWriter> CreateWriterAsync(
        Stream output, ParquetSchema schema, FileSchema fileSchema, IReadOnlyDictionary<string, string> metadata, CancellationToken cancellationToken)
    {
        var writer = await ParquetWriter.CreateAsync(schema, output, WriteOptions(schema), cancellationToken: cancellationToken);
        writer.CustomMetadata = new Dictionary<string, string>(metadata, StringComparer.Ordinal)
        {
            [SchemaKey] = fileSchema.Name,
            [SchemaVersionKey] = fileSchema.Version.ToString(CultureInfo.InvariantCulture),
        };
        return writer;
    }

    /// <summary>
    /// Opens <paramref name="input"/> (seekable), checks it is a <paramref name="fileSchema"/> file of a version
    /// this build reads, and hands it to <paramref name="read"/>. Any Parquet failure becomes a
    /// <see cref="StoredDataException"/> naming <paramref name="source"/>.
    /// </summary>
    public static async Task<T> ReadAsync<T>(
        Stream input,
        string source,
        FileSchema fileSchema,
        Func<ParquetFileReader, Task<T>> read,
        CancellationToken cancellationToken)
    {
        try
        {
            await using var reader = await ParquetReader.CreateAsync(input, Options, leaveStreamOpen: true, cancellationToken);
            var metadata = reader.CustomMetadata;
            if (!metadata.TryGetValue(SchemaKey, out var name) || name != fileSchema.Name)
            {
                throw new StoredDataException(
                    source, $"is not a '{fileSchema.Name}' file (its {SchemaKey} metadata is '{name ?? "missing"}').");
            }

            if (!metadata.TryGetValue(SchemaVersionKey, out var versionText)
                || !int.TryParse(versionText, NumberStyles.None, CultureInfo.InvariantCulture, out var version)
                || version > fileSchema.Version
                || version < 1)
            {
                throw new StoredDataException(
                    source,
                    $"has {fileSchema.Name} schema version '{versionText ?? "missing"}'; this build reads versions 1 to {fileSchema.Version}.");
            }

            return await read(new ParquetFileReader(reader, source, metadata, cancellationToken));
        }
        catch (ArgumentException error)
        {
            // The domain types validate on construction: a file that decodes but breaks their rules.
            throw new StoredDataException(source, $"holds data that breaks its rules: {error.Message}", error);
        }
        catch (Exception error) when (error is not StoredDataException and not OperationCanceledException)
        {
            throw new StoredDataException(source, $"is not a readable Parquet file ({error.Message})", error);
        }
    }
}

/// <summary>The name and version a Parquet file of ours carries in its metadata.</summary>
public readonly record struct FileSchema(string Name, int Version);

/// <summary>An open Parquet file of a known schema, read a whole column at a time.</summary>
public sealed class ParquetFileReader(
    ParquetReader reader,
    string source,
    IReadOnlyDictionary<string, string> metadata,
    CancellationToken cancellationToken)
{
    public string Source => source;

    public IReadOnlyDictionary<string, string> Metadata => metadata;

    public long RowCount => reader.RowGroups.Sum(group => group.RowCount);

    /// <summary>The metadata value under <paramref name="key"/>; a missing key is a <see cref="StoredDataException"/>.</summary>
    public string RequireMetadata(string key) => metadata.TryGetValue(key, out var value)
        ? value
        : throw new StoredDataException(source, $"has no '{key}' metadata.");

    /// <summary>The schema's data field named <paramref name="name"/>; a missing column is a <see cref="StoredDataException"/>.</summary>
    public DataField RequireField(string name) =>
        reader.Schema.DataFields.FirstOrDefault(field => field.Name == name)
        ?? throw new StoredDataException(source, $"has no '{name}' column.");

    /// <summary>Reads the whole column <paramref name="field"/> across row groups.</summary>
    public Task<T[]> ReadColumnAsync<T>(DataField field)
        where T : struct => ReadAcrossGroupsAsync<T>((group, values) => group.ReadAsync(field, values, cancellationToken: cancellationToken));

    /// <summary>Every data field of the file, in schema order.</summary>
    public IReadOnlyList<DataField> Fields => reader.Schema.DataFields;

    /// <summary>Reads the whole nullable column <paramref name="field"/> across row groups.</summary>
    public Task<T?[]> ReadNullableColumnAsync<T>(DataField field)
        where T : struct => ReadAcrossGroupsAsync<T?>((group, values) => group.ReadAsync(field, values, cancellationToken: cancellationToken));

    /// <summary>The number of rows in each row group, in file order.</summary>
    public IReadOnlyList<long> RowGroupRows => [.. reader.RowGroups.Select(group => group.RowCount)];

    /// <summary>Reads column <paramref name="field"/> of row group <paramref name="group"/> only.</summary>
    public async Task<T[]> ReadColumnAsync<T>(DataField field, int group)
        where T : struct
    {
        using var rowGroup = reader.OpenRowGroupReader(group);
        var values = new T[checked((int)rowGroup.RowCount)];
        await rowGroup.ReadAsync(field, values.AsMemory(), cancellationToken: cancellationToken);
        return values;
    }

    /// <summary>Reads the nullable column <paramref name="field"/> of row group <paramref name="group"/> only.</summary>
    public async Task<T?[]> ReadNullableColumnAsync<T>(DataField field, int group)
        where T : struct
    {
        using var rowGroup = reader.OpenRowGroupReader(group);
        var values = new T?[checked((int)rowGroup.RowCount)];
        await rowGroup.ReadAsync(field, values.AsMemory(), cancellationToken: cancellationToken);
        return values;
    }

    /// <summary>Reads the string column <paramref name="field"/> of row group <paramref name="group"/> only.</summary>
    public async Task<string?[]> ReadStringColumnAsync(DataField field, int group)
    {
        using var rowGroup = reader.OpenRowGroupReader(group);
        var values = new string?[checked((int)rowGroup.RowCount)];
        await rowGroup.ReadAsync(field, values.AsMemory()!, cancellationToken: cancellationToken);
        return values;
    }

    /// <summary>Reads the whole string column <paramref name="field"/> across row groups.</summary>
    public Task<string?[]> ReadStringColumnAsync(DataField field) =>
        ReadAcrossGroupsAsync<string?>((group, values) => group.ReadAsync(field, values!, cancellationToken: cancellationToken));

    /// <summary>One array of every row, filled group by group by <paramref name="read"/>.</summary>
    private async Task<TValue[]> ReadAcrossGroupsAsync<TValue>(Func<ParquetRowGroupReader, Memory<TValue>, ValueTask> read)
    {
        var values = new TValue[checked((int)RowCount)];
        var offset = 0;
        for (var group = 0; group < reader.RowGroupCount; group++)
        {
            using var rowGroup = reader.OpenRowGroupReader(group);
            var rows = checked((int)rowGroup.RowCount);
            await read(rowGroup, values.AsMemory(offset, rows));
            offset += rows;
        }

        return values;
    }
}
