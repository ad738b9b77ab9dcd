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

    /// <summary>
    /// Portfolio configurations per shard grain. A shard steps all of them over one subscription per feed; its
    /// memory grows with this (a shard's results travel back in one message), a run's with this times
    /// <see cref="ShardsInFlight"/>.
    /// </summary>
    public int ShardSize { get; set; } = 1_000;

    /// <summary>Shards a replay keeps running at once; results are taken back in plan order, so this bounds what waits in memory.</summary>
    public int ShardsInFlight { get; set; } = 8;

    /// <summary>Where shard grains are placed: spread round-robin over the compatible silos, or on the silo that runs the replay.</summary>
    public ShardPlacementMode ShardPlacement { get; set; } = ShardPlacementMode.Spread;

    /// <summary>
    /// The most stream batches a publisher has delivered but not acknowledged (its back-pressure). It bounds what
    /// waits in the memory-stream queues, which hold 16,384 messages each.
    /// </summary>
    public int MaxBatchesInFlight { get; set; } = 1_024;

    /// <summary>Signal or regime rows per stream batch of a replay.</summary>
    public int RowsPerBatch { get; set; } = 16_384;

    /// <summary>What one run may ask for: strategy instances and configurations (run configurations over it are refused by key).</summary>
    public Core.Optimization.RunConfigLimits Limits { get; set; } = Core.Optimization.RunConfigLimits.Default;

    /// <summary>
    /// Who takes over this silo's runs when their owner dies (SPEC: one owner per run, through a lease on the store).
    /// Silos of one group take a run over once its lease has expired (or at once, when the membership has declared
    /// its owner's silo dead); a run of another group whose owner died shows as interrupted until it is resumed.
    /// The default is this process alone, which the CLI uses: its runs wait for <c>runs resume</c>. The silo host
    /// sets <c>host/{ClusterId}</c>, so a host's restart and its cluster's other silos continue its runs.
    /// </summary>
    public string LeaseGroup { get; set; } = $"process/{Environment.MachineName}/{Environment.ProcessId}/{Guid.NewGuid():N}";

    /// <summary>Refuses settings that cannot work, naming the setting.</summary>
    public void Validate()
    {
        Store.Validate();
        Require(ShardSize >= 1, nameof(ShardSize), ShardSize);
        Require(ShardsInFlight >= 1, nameof(ShardsInFlight), ShardsInFlight);
        Require(MaxBatchesInFlight is >= 1 and <= 16_384, nameof(MaxBatchesInFlight), MaxBatchesInFlight);
        Require(RowsPerBatch >= 1, nameof(RowsPerBatch), RowsPerBatch);
        Require(Limits.MaxConfigurations is >= 1 and <= int.MaxValue, $"{nameof(Limits)}.{nameof(Limits.MaxConfigurations)}", Limits.MaxConfigurations);
        Require(Limits.MaxStrategyInstances is >= 1 and <= int.MaxValue, $"{nameof(Limits)}.{nameof(Limits.MaxStrategyInstances)}", Limits.MaxStrategyInstances);
    }

    private static void Require(bool holds, string setting, long value)
    {
        if (!holds)
        {
            throw new ArgumentOutOfRangeException(setting, value, $"SignalReplay option {setting} cannot be {value}.");
        }
    }
}

/// <summary>Where a run's shard grains go.</summary>
public enum ShardPlacementMode
{
    /// <summary>Round-robin by shard number over the silos that can host them, so every silo gets work.</summary>
    Spread,

    /// <summary>On the silo whose grain asked for them (one process, no network hop).</summary>
    Local,
}
