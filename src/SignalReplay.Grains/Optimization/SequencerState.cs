using SignalReplay.Abstractions;
using SignalReplay.Core.Optimization;
using SignalReplay.Core.Portfolio;

namespace SignalReplay.Grains.Optimization;

/// <summary>
/// A run's persisted progress: its configuration, the signal set, and every finished phase with what it
/// selected, so a sequencer activated on another silo continues at the first unfinished phase.
/// </summary>
[GenerateSerializer, Alias("signalreplay.sequencer-state")]
public sealed class SequencerState
{
    [Id(0)]
    public string? Config { get; set; }

    [Id(1)]
    public string Source { get; set; } = string.Empty;

    [Id(2)]
    public RunState State { get; set; } = RunState.Unknown;

    [Id(3)]
    public string? SignalSetId { get; set; }

    [Id(4)]
    public List<FinishedPhase> Phases { get; set; } = [];

    /// <summary>Attempts at grain work so far: each attempt runs under fresh grain keys and streams.</summary>
    [Id(5)]
    public int Attempts { get; set; }

    [Id(6)]
    public string? Error { get; set; }

    [Id(7)]
    public DateTimeOffset? CreatedAt { get; set; }

    [Id(8)]
    public DateTimeOffset? FinishedAt { get; set; }

    [Id(9)]
    public string Name { get; set; } = string.Empty;

    /// <summary>How long generating the run's signal set took (0 for a cache hit).</summary>
    [Id(10)]
    public double GenerationSeconds { get; set; }
}

/// <summary>
/// A finished phase: its best portfolios for the summary, the configurations it hands on, (a grid) how many
/// parameter combinations its strategies' constraints skipped, and what the selection statistics need: the spread of
/// its portfolios' Sharpes, the daily-return moments of its best (null when none can be picked), and (a grid) its PBO.
/// </summary>
[GenerateSerializer, Immutable, Alias("signalreplay.finished-phase")]
public sealed record FinishedPhase(
    [property: Id(0)] string Name,
    [property: Id(1)] string Kind,
    [property: Id(2)] string Objective,
    [property: Id(3)] int Evaluated,
    [property: Id(4)] RankedWire[] Best,
    [property: Id(5)] PortfolioConfig[] Selected,
    [property: Id(6)] double Seconds,
    [property: Id(7)] double ReplaySeconds = 0,
    [property: Id(8)] double WriteSeconds = 0,
    [property: Id(9)] double DetailSeconds = 0,
    [property: Id(10)] int Skipped = 0,
    [property: Id(11)] SharpeSpread Sharpes = default,
    [property: Id(12)] SharpeMoments? BestMoments = null,
    [property: Id(13)] OverfittingEstimate? Overfitting = null,
    [property: Id(14)] double StatisticsSeconds = 0);

/// <summary>
/// A ranked candidate of a phase: metrics in PerformanceMetrics.Names order (the mean over its <see cref="Windows"/>
/// walk-forward windows), and why it can never be picked when it cannot (no trades, an undefined objective).
/// </summary>
[GenerateSerializer, Immutable, Alias("signalreplay.ranked")]
public sealed record RankedWire(
    [property: Id(0)] int Rank,
    [property: Id(1)] string Portfolio,
    [property: Id(2)] string Candidate,
    [property: Id(3)] double Score,
    [property: Id(4)] double[] Metrics,
    [property: Id(5)] int Windows = 1,
    [property: Id(6)] string? ExcludedBecause = null);
