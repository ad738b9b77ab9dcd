using System.Text.Json.Serialization;

namespace SignalReplay.Core.Optimization;

/// <summary>Where a run stands. In files and JSON each is its lower-case name (<c>running</c>, ...).</summary>
[JsonConverter(typeof(JsonStringEnumConverter<RunState>))]
public enum RunState
{
    /// <summary>No run has this id.</summary>
    [JsonStringEnumMemberName("unknown")]
    Unknown,

    [JsonStringEnumMemberName("running")]
    Running,

    /// <summary>Stopped on request (or left by its owner) and resumable.</summary>
    [JsonStringEnumMemberName("interrupted")]
    Interrupted,

    [JsonStringEnumMemberName("completed")]
    Completed,

    [JsonStringEnumMemberName("failed")]
    Failed,
}

/// <summary>A run state's name in files (metadata.json's <c>status</c>, run listings) and back.</summary>
public static class RunStates
{
    public static string Name(this RunState state) => state switch
    {
        RunState.Running => "running",
        RunState.Interrupted => "interrupted",
        RunState.Completed => "completed",
        RunState.Failed => "failed",
        _ => "unknown",
    };

    /// <summary>The state a name stands for; <see cref="RunState.Unknown"/> for none or an unknown one.</summary>
    public static RunState Parse(string? name) => name switch
    {
        "running" => RunState.Running,
        "interrupted" => RunState.Interrupted,
        "completed" => RunState.Completed,
        "failed" => RunState.Failed,
        _ => RunState.Unknown,
    };

    /// <summary>Nothing more will happen unless someone acts: the run ended, or was interrupted and waits to be resumed.</summary>
    public static bool IsFinished(this RunState state) => state is RunState.Completed or RunState.Failed or RunState.Interrupted;
}
