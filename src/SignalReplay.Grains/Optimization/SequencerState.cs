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
    public List<PhaseRecord> Phases { get; set; } = [];

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
