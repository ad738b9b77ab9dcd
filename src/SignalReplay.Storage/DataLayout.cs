namespace SignalReplay.Storage;

/// <summary>
/// The keys of SPEC section 5, the same in a local folder and in a blob container.
/// Every name that reaches a key is validated first, so no id can walk out of its folder.
/// </summary>
public static class DataLayout
{
    public static string BaseDatasetPrefix(string dataset) => $"data/base/{Name.Require(dataset, "dataset")}/";

    public static string BaseManifest(string dataset) => BaseDatasetPrefix(dataset) + "manifest.json";

    /// <summary>
    /// The file of a series as base dataset format 3 stores it: named by its content (the first 16 hex digits of
    /// its sha256), so writers racing on one series never write over each other's file.
    /// </summary>
    public static string BaseSeriesFileName(SeriesId series, string fileSha256) => $"{series}.{fileSha256[..16]}.parquet";

    /// <summary>A file of a base dataset, by its name relative to the dataset's folder.</summary>
    public static string BaseDatasetFile(string dataset, string relative) => BaseDatasetPrefix(dataset) + relative;

    /// <summary>Where base dataset formats 1 and 2 store a series (SPEC 5); format 3 names the file in the manifest.</summary>
    public static string BaseSeries(string dataset, SeriesId series) => BaseDatasetPrefix(dataset) + $"{series}.parquet";

    public static string SignalSetPrefix(string signalSet) => $"data/indices/{Name.Require(signalSet, "signal set")}/";

    public static string SignalSetManifest(string signalSet) => SignalSetPrefix(signalSet) + "manifest.json";

    /// <summary>A file of a signal set, by its name relative to the set's folder (<see cref="Signals.SignalSetManifest.FileNames"/>).</summary>
    public static string SignalSetFile(string signalSet, string relative) => SignalSetPrefix(signalSet) + relative;

    /// <summary>Rules for dataset, signal-set and workflow names: letters, digits, '-', '_', '.'.</summary>
    public static class Name
    {
        public const int MaxLength = 64;

        public static bool IsValid(string? name) =>
            !string.IsNullOrEmpty(name)
            && name.Length <= MaxLength
            && name[0] != '.'
            && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.');

        /// <summary>Returns <paramref name="name"/> or throws an <see cref="ArgumentException"/> naming it and the rule.</summary>
        public static string Require(string? name, string what) => IsValid(name)
            ? name!
            : throw new ArgumentException(
                $"'{name}' is not a valid {what} name: use 1 to {MaxLength} letters, digits, '-', '_' or '.', not starting with '.'.");
    }
}
