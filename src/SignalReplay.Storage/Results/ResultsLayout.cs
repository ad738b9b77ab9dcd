using System.Security.Cryptography;
using System.Text;
using SignalReplay.Storage.Objects;
using SignalReplay.Storage.Retention;

namespace SignalReplay.Storage.Results;

/// <summary>
/// The results keys of SPEC 5, every name validated first so no run id, phase or portfolio id can
/// walk out of its folder, and the retention class each key carries (SPEC 9).
/// </summary>
public static class ResultsLayout
{
    public const string Root = "results/";

    public static string Prefix(string workflow) => $"{Root}{DataLayout.Name.Require(workflow, "run")}/";

    public static ObjectKey Metadata(string workflow) => ObjectKey.Parse(Prefix(workflow) + "metadata.json");

    public static ObjectKey Summary(string workflow) => ObjectKey.Parse(Prefix(workflow) + "summary.json");

    /// <summary>The run's self-contained HTML report (kept like the summary it is made from).</summary>
    public static ObjectKey Report(string workflow) => ObjectKey.Parse(Prefix(workflow) + "report.html");

    /// <summary>The v1 shape's single file, which <see cref="ResultsMigrator"/> converts.</summary>
    public static ObjectKey V1Results(string workflow) => ObjectKey.Parse(Prefix(workflow) + "results.json");

    public static string PhasePrefix(string workflow, string phase) => $"{Prefix(workflow)}phases/{RequirePhase(phase)}/";

    public static ObjectKey Metrics(string workflow, string phase) => ObjectKey.Parse(PhasePrefix(workflow, phase) + "metrics.parquet");

    public static ObjectKey Trades(string workflow, string phase) => ObjectKey.Parse(PhasePrefix(workflow, phase) + "trades.parquet");

    public static ObjectKey Equity(string workflow, string phase) => ObjectKey.Parse(PhasePrefix(workflow, phase) + "equity.parquet");

    /// <summary>
    /// A portfolio's events: <c>events/{portfolio}.jsonl.gz</c>. A file name must stay under file systems' 255 bytes, so an id
    /// longer than <see cref="MaxFileId"/> characters (an ensemble of long strategy ids) is cut and ends in a hash of the whole id.
    /// </summary>
    public static ObjectKey Events(string workflow, string phase, string portfolio) =>
        ObjectKey.TryParse($"{PhasePrefix(workflow, phase)}events/{FileId(portfolio)}.jsonl.gz", out var key) && !portfolio.Contains('/', StringComparison.Ordinal)
            ? key
            : throw new ArgumentException($"Portfolio id '{portfolio}' cannot name an events file.");

    /// <summary>The longest portfolio id an events file is named by as it is (its name and the store's tag file stay under 255 bytes).</summary>
    public const int MaxFileId = 180;

    private static string FileId(string portfolio) => portfolio.Length <= MaxFileId
        ? portfolio
        : $"{portfolio[..(MaxFileId - 17)]}-{Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(portfolio)))[..16]}";

    /// <summary>Phase names: 1 to 32 lower-case letters, digits, '-' or '_'.</summary>
    public static bool IsValidPhase(string? phase) =>
        phase is { Length: > 0 and <= 32 } && phase.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c is '-' or '_');

    /// <summary>The class a results key is kept under: events, trades, metrics, or summary (metadata and summary).</summary>
    public static RetentionClass ClassOf(ObjectKey key) => key.Value switch
    {
        var k when k.Contains("/events/", StringComparison.Ordinal) => RetentionClass.Events,
        var k when k.EndsWith("/trades.parquet", StringComparison.Ordinal) || k.EndsWith("/equity.parquet", StringComparison.Ordinal) => RetentionClass.Trades,
        var k when k.EndsWith("/metrics.parquet", StringComparison.Ordinal) => RetentionClass.Metrics,
        _ => RetentionClass.Summary,
    };

    /// <summary>The write options that tag an object with its retention class (a blob index tag in Azure).</summary>
    public static ObjectWriteOptions Tagged(ObjectKey key) => new()
    {
        Tags = new Dictionary<string, string> { [RetentionPolicy.TagName] = RetentionPolicy.TagValue(ClassOf(key)) },
    };

    private static string RequirePhase(string phase) => IsValidPhase(phase)
        ? phase
        : throw new ArgumentException($"'{phase}' is not a valid phase name: use 1 to 32 lower-case letters, digits, '-' or '_'.");
}
