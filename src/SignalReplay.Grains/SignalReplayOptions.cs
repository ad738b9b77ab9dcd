using SignalReplay.Storage.Objects;

namespace SignalReplay.Grains;

/// <summary>What <see cref="SignalReplaySiloBuilderExtensions.AddSignalReplay"/> wires into a silo.</summary>
public sealed class SignalReplayOptions
{
    /// <summary>The grain storage provider name grains use in <c>[PersistentState(..., StorageName)]</c>.</summary>
    public const string StorageName = "signalreplay";

    /// <summary>Where every object lives. Defaults to the local folder store <c>.signalreplay/store</c>.</summary>
    public ObjectStoreOptions Store { get; set; } = ObjectStoreOptions.LocalFolder(Path.Combine(".signalreplay", "store"));

    /// <summary>
    /// How long a grain call may take. Generation and replay runs are single calls that last as long as
    /// the run (Orleans' default is 30 s), until runs become workflows that report progress.
    /// </summary>
    public TimeSpan RunTimeout { get; set; } = TimeSpan.FromMinutes(30);
}
