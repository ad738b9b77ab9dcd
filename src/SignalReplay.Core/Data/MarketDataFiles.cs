namespace SignalReplay.Core.Data;

/// <summary>
/// Reads CSV files named after their series (<c>SPY_1m.csv</c>), or folders of them, and adds
/// resampled copies at coarser timeframes. Everything is read and validated before anything is returned.
/// </summary>
public static class MarketDataFiles
{
    public static IReadOnlyList<BarSeries> Read(IEnumerable<string> paths, IReadOnlyList<Timeframe> resampleTo)
    {
        var files = paths.SelectMany(Expand).ToList();
        if (files.Count == 0)
        {
            throw new ArgumentException("No CSV files were given.");
        }

        var result = new List<BarSeries>();
        var origin = new Dictionary<SeriesId, string>();
        foreach (var file in files)
        {
            var stem = Path.GetFileNameWithoutExtension(file);
            SeriesId id;
            try
            {
                id = SeriesId.Parse(stem);
            }
            catch (FormatException error)
            {
                throw new MarketDataException(file, null, $"the file name must be the series name, such as SPY_1m.csv: {error.Message}");
            }

            var bars = CsvBarReader.Read(file, id);
            Add(bars, file);
            foreach (var target in resampleTo.Where(target => target != id.Timeframe))
            {
                Add(Resampler.Resample(bars, target), file);
            }
        }

        return result;

        void Add(BarSeries series, string file)
        {
            if (origin.TryGetValue(series.Id, out var first))
            {
                throw new ArgumentException($"Series {series.Id} comes from both {first} and {file}.");
            }

            origin[series.Id] = file;
            result.Add(series);
        }
    }

    private static IEnumerable<string> Expand(string path)
    {
        if (Directory.Exists(path))
        {
            return Directory.EnumerateFiles(path, "*.csv").Order(StringComparer.Ordinal);
        }

        return File.Exists(path)
            ? [path]
            : throw new FileNotFoundException($"There is no file or folder '{path}'.", path);
    }
}
