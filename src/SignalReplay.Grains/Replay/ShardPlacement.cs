using Orleans.Placement;
using Orleans.Runtime.Placement;

namespace SignalReplay.Grains.Replay;

/// <summary>The placement of shard grains: see <see cref="SignalReplayOptions.ShardPlacement"/>.</summary>
[GenerateSerializer, Immutable, Alias("signalreplay.shard-placement")]
public sealed class ShardPlacement : PlacementStrategy;

/// <summary>Places a grain class by <see cref="ShardPlacement"/>.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false)]
public sealed class ShardPlacementAttribute() : PlacementAttribute(new ShardPlacement());

/// <summary>
/// Spreads shards round-robin over the compatible silos by the shard number at the end of their key
/// (<c>{run}/s{n}</c>): consecutive shards, which a replay runs side by side, land on different silos.
/// </summary>
public sealed class ShardPlacementDirector(SignalReplayOptions options) : IPlacementDirector
{
    public Task<SiloAddress> OnAddActivation(PlacementStrategy strategy, PlacementTarget target, IPlacementContext context)
    {
        var silos = context.GetCompatibleSilos(target).OrderBy(s => s.ToParsableString(), StringComparer.Ordinal).ToArray();
        if (options.ShardPlacement == ShardPlacementMode.Local && silos.Contains(context.LocalSilo))
        {
            return Task.FromResult(context.LocalSilo);
        }

        var key = target.GrainIdentity.Key.ToString() ?? string.Empty;
        var digits = key.Length - key.Reverse().TakeWhile(char.IsAsciiDigit).Count();
        var shard = digits < key.Length && int.TryParse(key.AsSpan(digits), out var n) ? n : (int)(target.GrainIdentity.GetUniformHashCode() & int.MaxValue);
        return Task.FromResult(silos[shard % silos.Length]);
    }
}
