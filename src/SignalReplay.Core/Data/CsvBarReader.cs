using System.Globalization;
using CsvHelper;

namespace SignalReplay.Core.Data;

/// <summary>
/// Reads <c>timestamp,open,high,low,close,volume</c> CSV into a validated <see cref="BarSeries"/>;
/// the first bad row stops the read with its file, line and reason, so nothing half-read escapes.
/// </summary>
public static class CsvBarReader
{
    public static readonly IReadOnlyList<string> Header = ["timestamp", "open", "high", "low", "close", "volume"];

    private static readonly CsvReaderOptions Options = new()
    {
        Separator = ',',
        HasHeader = false,
        TrimWhitespace = true,
        SkipEmptyLines = true,
        TrackLineNumbers = true,
        MalformedData = CsvMalformedDataHandling.Throw,
        FormatProvider = CultureInfo.InvariantCulture,
    };

    public static BarSeries Read(string path, SeriesId id)
    {
        if (!System.IO.File.Exists(path))
        {
            throw new MarketDataException(path, null, "there is no such file");
        }

        using var reader = new StreamReader(path);
        return Read(reader, path, id);
    }

    public static BarSeries Read(TextReader text, string file, SeriesId id)
    {
        using var reader = CsvReader.Create(text, Options, leaveOpen: true);
        try
        {
            return ReadRows(reader, file, id);
        }
        catch (CsvFormatException error)
        {
            throw new MarketDataException(file, (int?)error.LineNumber, $"malformed CSV: {error.Message}");
        }
    }

    private static BarSeries ReadRows(CsvReader reader, string file, SeriesId id)
    {
        if (!reader.Read())
        {
            throw new MarketDataException(file, 1, $"the file is empty; expected the header {string.Join(',', Header)}");
        }

        var header = Enumerable.Range(0, reader.FieldCount).Select(reader.GetString).ToArray();
        if (!header.Select(name => name.ToLowerInvariant()).SequenceEqual(Header))
        {
            throw new MarketDataException(file, Line(reader), $"the header is '{string.Join(',', header)}'; expected {string.Join(',', Header)}");
        }

        var bars = new List<Bar>();
        var previousLine = 0;
        while (reader.Read())
        {
            var line = Line(reader);
            var bar = ParseRow(reader, file, line);
            if (bars.Count > 0 && BarRules.CheckOrder(bars[^1].Time, bar.Time, $"line {previousLine}") is { } order)
            {
                throw new MarketDataException(file, line, order);
            }

            if (BarRules.Check(bar) is { } problem)
            {
                throw new MarketDataException(file, line, problem);
            }

            bars.Add(bar);
            previousLine = line;
        }

        if (bars.Count == 0)
        {
            throw new MarketDataException(file, null, "the file has a header but no bars");
        }

        return BarSeries.FromBars(id, bars);
    }

    private static int Line(CsvReader reader) => checked((int)reader.LineNumber);

    private static Bar ParseRow(CsvReader reader, string file, int line)
    {
        if (reader.FieldCount != Header.Count)
        {
            throw new MarketDataException(file, line, $"{reader.FieldCount} columns; expected {Header.Count} ({string.Join(',', Header)})");
        }

        if (!BarTimestamp.TryParse(reader.GetString(0), out var time, out var reason))
        {
            throw new MarketDataException(file, line, reason!);
        }

        return new Bar(time, Number(1), Number(2), Number(3), Number(4), Number(5));

        double Number(int column)
        {
            var text = reader.GetString(column);
            return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value)
                ? value
                : throw new MarketDataException(file, line, $"{Header[column]} '{text}' is not a number");
        }
    }
}
