using System.Globalization;
using System.Text.Json;
using CsvHelper;
using Parquet;
using Parquet.Schema;
using Parquet.Serialization;
using SignalReplay.Storage.Parquet;

namespace SignalReplay.Storage.Results;

/// <summary>The Parquet files of a phase a user can fetch: <c>metrics</c>, <c>trades</c> and <c>equity</c>.</summary>
public enum PhaseFile
{
    Metrics,
    Trades,
    Equity,
}

/// <summary>How a phase file is handed out: as CSV, as a JSON array of objects, or as the Parquet file itself.</summary>
public enum TableFormat
{
    Csv,
    Json,
    Parquet,
}

/// <summary>
/// A phase's Parquet file written out as CSV, JSON or Parquet with every column it holds (whatever its schema version),
/// optionally only the rows of one portfolio. Row groups are converted one at a time, so a million-row metrics file is
/// exported in the memory of one row group. Column names are the file's own (snake_case, <c>momentum.fast</c>); times are
/// ISO 8601 UTC; an undefined number is empty in CSV and null in JSON, an infinite one <c>Infinity</c>.
/// </summary>
public static class PhaseFileExport
{
    /// <summary>The media type of a format, as the API answers and reads in <c>Accept</c>.</summary>
    public static string MediaType(TableFormat format) => format switch
    {
        TableFormat.Csv => "text/csv",
        TableFormat.Json => "application/json",
        _ => "application/vnd.apache.parquet",
    };

    /// <summary>The format of a file name's extension (<c>.csv</c>, <c>.json</c>, <c>.parquet</c>), or null.</summary>
    public static TableFormat? FromExtension(string path) => Path.GetExtension(path).ToLowerInvariant() switch
    {
        ".csv" => TableFormat.Csv,
        ".json" => TableFormat.Json,
        ".parquet" => TableFormat.Parquet,
        _ => null,
    };

    /// <summary>The object a phase file is stored in.</summary>
    public static Objects.ObjectKey Key(string workflow, string phase, PhaseFile file) => file switch
    {
        PhaseFile.Metrics => ResultsLayout.Metrics(workflow, phase),
        PhaseFile.Trades => ResultsLayout.Trades(workflow, phase),
        _ => ResultsLayout.Equity(workflow, phase),
    };

    /// <summary>
    /// Writes the Parquet file in <paramref name="input"/> (seekable) to <paramref name="output"/> as <paramref name="format"/>,
    /// only the rows whose <c>portfolio</c> is <paramref name="portfolio"/> when one is given; returns the number of rows written.
    /// A file that is not Parquet is a <see cref="StoredDataException"/> naming <paramref name="source"/>.
    /// </summary>
    public static async Task<long> WriteAsync(
        Stream input, string source, TableFormat format, Stream output, string? portfolio, CancellationToken cancellationToken)
    {
        if (format == TableFormat.Parquet && portfolio is null)
        {
            var rows = await ReadingAsync(source, () => CountRowsAsync(input, cancellationToken));
            input.Position = 0;
            await input.CopyToAsync(output, cancellationToken);
            return rows;
        }

        var (schema, metadata, groups) = await ReadingAsync(source, () => OpenAsync(input, cancellationToken));
        // Rows are formatted into a buffer and copied out asynchronously a row group at a time (an HTTP response refuses synchronous writes).
        var sink = Sink(format, schema);
        var written = 0L;
        var kept = new List<IDictionary<string, object?>>();
        for (var group = 0; group < groups; group++)
        {
            input.Position = 0;
            var read = await ReadingAsync(source, () => ParquetSerializer.DeserializeUntypedAsync(input, rowGroupIndex: group, cancellationToken: cancellationToken));
            foreach (var row in read.Data)
            {
                if (portfolio is not null && !Equals(row.TryGetValue("portfolio", out var id) ? id : null, portfolio))
                {
                    continue;
                }

                if (sink is null)
                {
                    kept.Add(row!);
                }
                else
                {
                    sink.Write(row);
                }

                written++;
            }

            if (sink is not null)
            {
                await sink.DrainAsync(output, cancellationToken);
            }
        }

        if (sink is null)
        {
            // One portfolio's rows of a Parquet file: a Parquet file of the same schema and metadata, made in memory
            // (the writer seeks) and copied out.
            using var file = new MemoryStream();
            await ParquetSerializer.SerializeUntypedAsync(kept, schema, file, customMetadata: metadata, cancellationToken: cancellationToken);
            file.Position = 0;
            await file.CopyToAsync(output, cancellationToken);
        }
        else
        {
            sink.Finish();
            await sink.DrainAsync(output, cancellationToken);
        }

        return written;
    }

    /// <summary>A read of the input file; any failure of it (Parquet.Net's IOException for a file that is not Parquet included) names <paramref name="source"/>.</summary>
    private static async Task<T> ReadingAsync<T>(string source, Func<Task<T>> read)
    {
        try
        {
            return await read();
        }
        catch (Exception error) when (error is not OperationCanceledException)
        {
            throw new StoredDataException(source, $"is not a readable Parquet file ({error.Message})", error);
        }
    }

    private static async Task<long> CountRowsAsync(Stream input, CancellationToken cancellationToken)
    {
        await using var reader = await ParquetReader.CreateAsync(input, leaveStreamOpen: true, cancellationToken: cancellationToken);
        return reader.RowGroups.Sum(group => group.RowCount);
    }

    private static async Task<(ParquetSchema Schema, IReadOnlyDictionary<string, string> Metadata, int Groups)> OpenAsync(Stream input, CancellationToken cancellationToken)
    {
        await using var reader = await ParquetReader.CreateAsync(input, leaveStreamOpen: true, cancellationToken: cancellationToken);
        return (reader.Schema, new Dictionary<string, string>(reader.CustomMetadata, StringComparer.Ordinal), reader.RowGroupCount);
    }

    private static RowSink? Sink(TableFormat format, ParquetSchema schema) => format switch
    {
        TableFormat.Csv => new CsvSink(schema),
        TableFormat.Json => new JsonSink(schema),
        _ => null,
    };

    private abstract class RowSink(ParquetSchema schema)
    {
        protected IReadOnlyList<string> Columns { get; } = [.. schema.DataFields.Select(field => field.Name)];

        protected MemoryStream Buffer { get; } = new();

        public abstract void Write(IDictionary<string, object> row);

        /// <summary>Ends the document (the closing bracket of a JSON array).</summary>
        public abstract void Finish();

        /// <summary>Moves what was formatted so far to <paramref name="output"/>.</summary>
        public async Task DrainAsync(Stream output, CancellationToken cancellationToken)
        {
            Flush();
            await output.WriteAsync(Buffer.GetBuffer().AsMemory(0, (int)Buffer.Length), cancellationToken);
            Buffer.SetLength(0);
        }

        protected abstract void Flush();

        protected static object? Value(IDictionary<string, object> row, string column) => row.TryGetValue(column, out var value) ? value : null;
    }

    /// <summary>RFC 4180 CSV by CsvHelper (it quotes a field holding a comma, quote or line break); numbers and times formatted here.</summary>
    private sealed class CsvSink : RowSink
    {
        private readonly CsvWriter _csv;

        public CsvSink(ParquetSchema schema)
            : base(schema)
        {
            _csv = CsvWriter.Create(Buffer, new CsvWriterOptions { NewLine = "\n", FormatProvider = CultureInfo.InvariantCulture }, leaveOpen: true);
            foreach (var column in Columns)
            {
                _csv.WriteField(column);
            }

            _csv.EndRecord();
        }

        public override void Write(IDictionary<string, object> row)
        {
            foreach (var column in Columns)
            {
                _csv.WriteField(Value(row, column) switch
                {
                    null => string.Empty,
                    double d when double.IsNaN(d) => string.Empty,
                    double d => d.ToString("R", CultureInfo.InvariantCulture),
                    DateTime t => Iso(t),
                    IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
                    var other => other.ToString() ?? string.Empty,
                });
            }

            _csv.EndRecord();
        }

        public override void Finish()
        {
        }

        protected override void Flush() => _csv.Flush();
    }

    private sealed class JsonSink : RowSink
    {
        private readonly Utf8JsonWriter _writer;

        public JsonSink(ParquetSchema schema)
            : base(schema)
        {
            _writer = new Utf8JsonWriter(Buffer);
            _writer.WriteStartArray();
        }

        public override void Write(IDictionary<string, object> row)
        {
            _writer.WriteStartObject();
            foreach (var column in Columns)
            {
                _writer.WritePropertyName(column);
                switch (Value(row, column))
                {
                    case null:
                    case double d when double.IsNaN(d):
                        _writer.WriteNullValue();
                        break;
                    case double d when double.IsInfinity(d):
                        _writer.WriteStringValue(d > 0 ? "Infinity" : "-Infinity");
                        break;
                    case double d:
                        _writer.WriteNumberValue(d);
                        break;
                    case int i:
                        _writer.WriteNumberValue(i);
                        break;
                    case long l:
                        _writer.WriteNumberValue(l);
                        break;
                    case bool b:
                        _writer.WriteBooleanValue(b);
                        break;
                    case DateTime t:
                        _writer.WriteStringValue(Iso(t));
                        break;
                    case var other:
                        _writer.WriteStringValue(other.ToString());
                        break;
                }
            }

            _writer.WriteEndObject();
        }

        public override void Finish() => _writer.WriteEndArray();

        protected override void Flush() => _writer.Flush();
    }

    /// <summary>A UTC instant as every text form of the results writes it: ISO 8601 to the millisecond, <c>Z</c>.</summary>
    internal static string Iso(DateTime time) =>
        DateTime.SpecifyKind(time, DateTimeKind.Utc).ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
}
