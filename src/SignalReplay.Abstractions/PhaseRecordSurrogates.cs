namespace SignalReplay.Abstractions;

/// <summary>
/// A finished phase in the sequencer's state. Field ids 0-14 and the alias are those of the grain record it replaced (before
/// the workflow moved to Core); whether a run state saved by that build reads back through this surrogate is not tested.
/// </summary>
[GenerateSerializer, Alias("signalreplay.finished-phase")]
public struct PhaseRecordSurrogate
{
    [Id(0)] public string Name;
    [Id(1)] public string Kind;
    [Id(2)] public string Objective;
    [Id(3)] public int Evaluated;
    [Id(4)] public RankedCandidate[] Best;
    [Id(5)] public PortfolioConfig[] Selected;
    [Id(6)] public double Seconds;
    [Id(7)] public double ReplaySeconds;
    [Id(8)] public double WriteSeconds;
    [Id(9)] public double DetailSeconds;
    [Id(10)] public int Skipped;
    [Id(11)] public SharpeSpread Sharpes;
    [Id(12)] public SharpeMoments? BestMoments;
    [Id(13)] public OverfittingEstimate? Overfitting;
    [Id(14)] public double StatisticsSeconds;
    [Id(15)] public WalkForwardReport? WalkForward;
}

[RegisterConverter]
public sealed class PhaseRecordConverter : IConverter<PhaseRecord, PhaseRecordSurrogate>
{
    public PhaseRecord ConvertFromSurrogate(in PhaseRecordSurrogate s) => new(
        s.Name,
        PhaseKinds.ByName.TryGetValue(s.Kind, out var kind) ? kind : throw new ArgumentException($"Phase '{s.Name}' has an unknown kind '{s.Kind}'."),
        s.Objective,
        s.Evaluated,
        s.Best ?? [],
        s.Selected ?? [],
        s.Seconds,
        s.ReplaySeconds,
        s.WriteSeconds,
        s.DetailSeconds,
        s.Skipped,
        s.Sharpes,
        s.BestMoments,
        s.Overfitting,
        s.StatisticsSeconds,
        s.WalkForward);

    public PhaseRecordSurrogate ConvertToSurrogate(in PhaseRecord value) => new()
    {
        Name = value.Name,
        Kind = value.Kind.Name(),
        Objective = value.Objective,
        Evaluated = value.Evaluated,
        Best = [.. value.Best],
        Selected = [.. value.Selected],
        Seconds = value.Seconds,
        ReplaySeconds = value.ReplaySeconds,
        WriteSeconds = value.WriteSeconds,
        DetailSeconds = value.DetailSeconds,
        Skipped = value.Skipped,
        Sharpes = value.Sharpes,
        BestMoments = value.BestMoments,
        Overfitting = value.Overfitting,
        StatisticsSeconds = value.StatisticsSeconds,
        WalkForward = value.WalkForward,
    };
}

/// <summary>A ranked candidate of a finished phase; the layout of the grain record it replaces.</summary>
[GenerateSerializer, Alias("signalreplay.ranked")]
public struct RankedCandidateSurrogate
{
    [Id(0)] public int Rank;
    [Id(1)] public string Portfolio;
    [Id(2)] public string Candidate;
    [Id(3)] public double Score;
    [Id(4)] public double[] Metrics;
    [Id(5)] public int Windows;
    [Id(6)] public string? ExcludedBecause;
}

[RegisterConverter]
public sealed class RankedCandidateConverter : IConverter<RankedCandidate, RankedCandidateSurrogate>
{
    public RankedCandidate ConvertFromSurrogate(in RankedCandidateSurrogate s) =>
        new(s.Rank, s.Portfolio, s.Candidate, s.Score, s.Metrics, s.Windows, s.ExcludedBecause);

    public RankedCandidateSurrogate ConvertToSurrogate(in RankedCandidate value) => new()
    {
        Rank = value.Rank,
        Portfolio = value.Portfolio,
        Candidate = value.Candidate,
        Score = value.Score,
        Metrics = value.Metrics,
        Windows = value.Windows,
        ExcludedBecause = value.ExcludedBecause,
    };
}

/// <summary>A walk-forward phase's windows and out-of-sample curve, in the sequencer's state.</summary>
[GenerateSerializer, Alias("signalreplay.walk-forward-report")]
public struct WalkForwardReportSurrogate
{
    [Id(0)] public WalkForwardWindow[] Windows;
    [Id(1)] public double[] OutOfSampleMetrics;
    [Id(2)] public double OutOfSampleScore;
    [Id(3)] public double Efficiency;
    [Id(4)] public double ChoiceStability;
    [Id(5)] public ParameterPath[] Parameters;
}

[RegisterConverter]
public sealed class WalkForwardReportConverter : IConverter<WalkForwardReport, WalkForwardReportSurrogate>
{
    public WalkForwardReport ConvertFromSurrogate(in WalkForwardReportSurrogate s) =>
        new(s.Windows, s.OutOfSampleMetrics, s.OutOfSampleScore, s.Efficiency, s.ChoiceStability, s.Parameters);

    public WalkForwardReportSurrogate ConvertToSurrogate(in WalkForwardReport value) => new()
    {
        Windows = [.. value.Windows],
        OutOfSampleMetrics = value.OutOfSampleMetrics,
        OutOfSampleScore = value.OutOfSampleScore,
        Efficiency = value.Efficiency,
        ChoiceStability = value.ChoiceStability,
        Parameters = [.. value.Parameters],
    };
}

/// <summary>One walk-forward window, its spans as Unix ms.</summary>
[GenerateSerializer, Alias("signalreplay.walk-forward-window")]
public struct WalkForwardWindowSurrogate
{
    [Id(0)] public int Index;
    [Id(1)] public long TrainFrom;
    [Id(2)] public long TrainTo;
    [Id(3)] public long TestFrom;
    [Id(4)] public long TestTo;
    [Id(5)] public string? Choice;
    [Id(6)] public double InSampleScore;
    [Id(7)] public double OutOfSampleScore;
    [Id(8)] public double StartingEquity;
    [Id(9)] public double FinalEquity;
    [Id(10)] public int Trials;
    /// <summary>Absent (null) in run states saved before it was recorded.</summary>
    [Id(11)] public string[]? Instances;
}

[RegisterConverter]
public sealed class WalkForwardWindowConverter : IConverter<WalkForwardWindow, WalkForwardWindowSurrogate>
{
    public WalkForwardWindow ConvertFromSurrogate(in WalkForwardWindowSurrogate s) => new(
        s.Index, new TradingWindow(s.TrainFrom, s.TrainTo), new TradingWindow(s.TestFrom, s.TestTo), s.Choice, s.InSampleScore, s.OutOfSampleScore, s.StartingEquity, s.FinalEquity, s.Trials, s.Instances);

    public WalkForwardWindowSurrogate ConvertToSurrogate(in WalkForwardWindow value) => new()
    {
        Index = value.Index,
        TrainFrom = value.Train.From,
        TrainTo = value.Train.To,
        TestFrom = value.Test.From,
        TestTo = value.Test.To,
        Choice = value.Choice,
        InSampleScore = value.InSampleScore,
        OutOfSampleScore = value.OutOfSampleScore,
        StartingEquity = value.StartingEquity,
        FinalEquity = value.FinalEquity,
        Trials = value.Trials,
        Instances = value.Instances is null ? null : [.. value.Instances],
    };
}

/// <summary>One strategy parameter across a walk-forward phase's windows.</summary>
[GenerateSerializer, Alias("signalreplay.parameter-path")]
public struct ParameterPathSurrogate
{
    [Id(0)] public string Name;
    [Id(1)] public double[] Values;
    [Id(2)] public double Variation;
}

[RegisterConverter]
public sealed class ParameterPathConverter : IConverter<ParameterPath, ParameterPathSurrogate>
{
    public ParameterPath ConvertFromSurrogate(in ParameterPathSurrogate s) => new(s.Name, s.Values, s.Variation);

    public ParameterPathSurrogate ConvertToSurrogate(in ParameterPath value) => new() { Name = value.Name, Values = value.Values, Variation = value.Variation };
}
