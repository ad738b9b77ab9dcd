using SignalReplay.Storage.Objects;

namespace SignalReplay.Grains;

/// <summary>What <see cref="SignalReplaySiloBuilderExtensions.AddSignalReplay"/> wires into a silo.</summary>
public sealed class SignalReplayOptions
{
    /// <summary>The grain storage provider name grains use in <c>[PersistentState(..., StorageName)]</c>.</summary>
    public const string StorageName = "signalreplay";

    /// <summary>Where every object lives. Defaults to the local folder store <c>.signalreplay/store</c>.</summary>
    public ObjectStoreOptions Store { get; set; } = ObjectStoreOptions.LocalFolder(Path.Combine(".signalreplay", "store"));
}
