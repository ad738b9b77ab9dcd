namespace SignalReplay.Abstractions;

/// <summary>A run to start: the run configuration's text (YAML or JSON) and where it came from, for messages.</summary>
[GenerateSerializer, Immutable, Alias("signalreplay.run-request")]
public sealed record RunRequest([property: Id(0)] string Config, [property: Id(1)] string Source);

/// <summary>
/// Where a run stands (<see cref="State"/>; in JSON its lower-case name).
/// </summary>
[GenerateSerializer, Immutable, Alias("signalreplay.run-status")]
public sealed record RunStatus(
    [property: Id(0)] string RunId,
    [property: Id(1)] RunState State,
    [property: Id(2)] string Name,
    [property: Id(3)] int PhasesDone,
    [property: Id(4)] int PhaseCount,
    [property: Id(5)] string? CurrentPhase,
    [property: Id(6)] string? Detail,
    [property: Id(7)] string? Error,
    [property: Id(8)] string? SignalSetId,
    [property: Id(9)] int Attempts,
    [property: Id(10)] string? Host)
{
    /// <summary>Nothing more will happen unless someone acts: the run ended, or was interrupted and waits to be resumed.</summary>
    public bool IsFinished => State.IsFinished();
}

/// <summary>
/// The sequencer of one optimization run (key: the run id, SPEC 8): runs the configured phases in order,
/// each feeding the next, and writes the results layout. Its progress is persisted grain state, so a
/// run whose silo dies resumes on another and finishes with the same results.
/// </summary>
[Alias("signalreplay.ISequencerGrain")]
public interface ISequencerGrain : IGrainWithStringKey
{
    /// <summary>Starts the run, or returns its status if this id already runs the same configuration.</summary>
    [Alias("Start")]
    Task<RunStatus> StartAsync(RunRequest request);

    /// <summary>The run's status; a run interrupted by a silo failure resumes when asked.</summary>
    [Alias("Status")]
    Task<RunStatus> GetStatusAsync();

    /// <summary>
    /// Stops a running run where it stands, saved as <c>interrupted</c> with <paramref name="reason"/>: what it
    /// finished is kept, work in flight is dropped. A no-op for a run that is not running.
    /// </summary>
    [Alias("Interrupt")]
    Task<RunStatus> InterruptAsync(string reason);

    /// <summary>Continues an interrupted run from its first unfinished phase; a no-op for any other.</summary>
    [Alias("Resume")]
    Task<RunStatus> ResumeAsync();
}

/// <summary>
/// A run another live process owns (it holds the run's lease and renews it): this one may not resume or interrupt
/// it. The message names the owner.
/// </summary>
[GenerateSerializer, Alias("signalreplay.run-owned-elsewhere")]
public sealed class RunOwnedElsewhereException : Exception
{
    public RunOwnedElsewhereException()
    {
    }

    public RunOwnedElsewhereException(string message)
        : base(message)
    {
    }

    public RunOwnedElsewhereException(string message, Exception inner)
        : base(message, inner)
    {
    }
}
