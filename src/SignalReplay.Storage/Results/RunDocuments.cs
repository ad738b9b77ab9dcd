using SignalReplay.Core.Statistics;
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
/// portfolio, writing its metrics file, replaying the best again whole (their trades and equity), and replaying a sample
/// for the selection statistics.
/// </summary>
public sealed record PhaseTiming(
    string Phase, string Kind, int Portfolios, double Seconds, double? ReplaySeconds = null, double? WriteSeconds = null, double? DetailSeconds = null, double? StatisticsSeconds = null);

/// <summary>
/// summary.json: the best candidates of each phase, the final choice (the best of the last phase), and the selection
/// statistics that say whether the choice is real (absent from runs migrated from v1).
/// </summary>
public sealed record RunSummary(string Workflow, IReadOnlyList<PhaseSummary> Phases, Choice? Choice, SelectionStatistics? Statistics = null);

/// <summary>
/// One phase's leaderboard: how many portfolios it evaluated, (a grid) how many parameter combinations constraints skipped, and
/// (a walk-forward phase, whose one row is its out-of-sample curve) its windows.
/// </summary>
public sealed record PhaseSummary(
    string Phase, string Kind, string Objective, int Evaluated, IReadOnlyList<RankedPortfolio> Best, int SkippedCombinations = 0, WalkForwardSummary? WalkForward = null);

/// <summary>
/// A walk-forward phase: each window; the metrics and score of the test spans chained into one out-of-sample curve; the
/// walk-forward efficiency (mean out-of-sample score over mean in-sample score); the share of windows that kept the previous
/// window's choice; and each strategy parameter's value per window (null where a choice lacks it) with its coefficient of variation.
/// </summary>
public sealed record WalkForwardSummary(
    IReadOnlyList<WindowSummary> Windows,
    IReadOnlyDictionary<string, double> OutOfSample,
    double OutOfSampleScore,
    double Efficiency,
    double ChoiceStability,
    IReadOnlyList<ParameterSummary> Parameters);

/// <summary>
/// One walk-forward window: its train and test spans (UTC, end excluded), what its inner phases chose on the train span (null: nothing
/// could be picked, the window stayed in cash) with its in-sample score, its score on the test span, and the equity it traded there.
/// </summary>
public sealed record WindowSummary(
    int Window,
    DateTimeOffset TrainFrom,
    DateTimeOffset TrainTo,
    DateTimeOffset TestFrom,
    DateTimeOffset TestTo,
    string? Choice,
    double InSampleScore,
    double OutOfSampleScore,
    double StartingEquity,
    double FinalEquity,
    int Trials);

/// <summary>A strategy parameter (<c>momentum.fast</c>) per window, and how much it moved (stdev over |mean|).</summary>
public sealed record ParameterSummary(string Name, IReadOnlyList<double> Values, double Variation);

/// <summary>
/// A ranked candidate; metrics in SPEC 7 order, each the mean over the candidate's <see cref="Windows"/> walk-forward
/// windows (1 without them). <see cref="ExcludedBecause"/> says why it can never be picked (<c>no trades</c>, <c>sharpe undefined</c>).
/// </summary>
public sealed record RankedPortfolio(
    int Rank, string Portfolio, string Candidate, double Score, IReadOnlyDictionary<string, double> Metrics, int Windows = 1, string? ExcludedBecause = null);

public sealed record Choice(string Phase, string Portfolio, string Candidate, double Score, IReadOnlyDictionary<string, double> Metrics, int Windows = 1);

/// <summary>
/// The JSON form of results documents: snake_case like the Parquet columns, indented; an undefined metric
/// (NaN in the files) is null, and an infinite one the string "Infinity" / "-Infinity".
/// </summary>
public static class ResultsJson
{
    public static JsonSerializerOptions Options { get; } = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        WriteIndented = true,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
        Converters = { new UndefinedAsNull() },
    };

    /// <summary>One line per document (event traces).</summary>
    public static JsonSerializerOptions Compact { get; } = new(Options) { WriteIndented = false };
}

/// <summary>A double whose NaN (undefined) is JSON null, and null reads back as NaN.</summary>
public sealed class UndefinedAsNull : JsonConverter<double>
{
    public override bool HandleNull => true;

    public override double Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => reader.TokenType switch
    {
        JsonTokenType.Null => double.NaN,
        JsonTokenType.String => double.Parse(reader.GetString()!, System.Globalization.CultureInfo.InvariantCulture),
        _ => reader.GetDouble(),
    };

    public override void Write(Utf8JsonWriter writer, double value, JsonSerializerOptions options)
    {
        if (double.IsNaN(value))
        {
            writer.WriteNullValue();
        }
        else if (double.IsFinite(value))
        {
            writer.WriteNumberValue(value);
        }
        else
        {
            writer.WriteStringValue(value > 0 ? "Infinity" : "-Infinity");
        }
    }
}
