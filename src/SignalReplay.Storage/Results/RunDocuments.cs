using System.Text.Json;
using System.Text.Json.Serialization;

namespace SignalReplay.Storage.Results;

/// <summary>metadata.json: the run's configuration, versions, timings and status (wall-clock times live here, never in results).</summary>
public sealed record RunMetadata(
    int Version,
    string Workflow,
    string Name,
    string Status,
    string Config,
    string? SignalSetId,
    string Dataset,
    IReadOnlyDictionary<string, string> Versions,
    DateTimeOffset? CreatedAt,
    DateTimeOffset? StartedAt,
    DateTimeOffset? FinishedAt,
    IReadOnlyList<PhaseTiming> Phases,
    string? Error,
    JsonElement? OriginalMetadata,
    string? MigratedFrom,
    double? GenerationSeconds = null);

/// <summary>
/// How long one phase took and how many portfolios it ran; where known, how the time split: replaying every
/// portfolio, writing its metrics file, and replaying the best again whole (their trades and equity).
/// </summary>
public sealed record PhaseTiming(string Phase, string Kind, int Portfolios, double Seconds, double? ReplaySeconds = null, double? WriteSeconds = null, double? DetailSeconds = null);

/// <summary>summary.json: the best candidates of each phase and the final choice (the best of the last phase).</summary>
public sealed record RunSummary(string Workflow, IReadOnlyList<PhaseSummary> Phases, Choice? Choice);

public sealed record PhaseSummary(string Phase, string Kind, string Objective, int Evaluated, IReadOnlyList<RankedPortfolio> Best);

/// <summary>A ranked candidate; metrics in SPEC 7 order.</summary>
public sealed record RankedPortfolio(int Rank, string Portfolio, string Candidate, double Score, IReadOnlyDictionary<string, double> Metrics);

public sealed record Choice(string Phase, string Portfolio, string Candidate, double Score, IReadOnlyDictionary<string, double> Metrics);

/// <summary>
/// The JSON form of results documents: snake_case like the Parquet columns, indented, and infinite or
/// undefined metrics (a profit factor without losses is +Infinity) written as the strings "Infinity" / "NaN".
/// </summary>
public static class ResultsJson
{
    public static JsonSerializerOptions Options { get; } = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        WriteIndented = true,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    };

    /// <summary>One line per document (event traces).</summary>
    public static JsonSerializerOptions Compact { get; } = new(Options) { WriteIndented = false };
}
