using Microsoft.Extensions.DependencyInjection;
using Orleans.Hosting;
using Orleans.Runtime.Hosting;
using Orleans.Serialization;
using Orleans.Storage;
using SignalReplay.Grains.Storage;
using SignalReplay.Storage.Objects;

namespace SignalReplay.Grains;

/// <summary>Plugs SignalReplay into a silo the way Orleans plugs its own providers: one builder call, options validated at start.</summary>
public static class SignalReplaySiloBuilderExtensions
{
    public static ISiloBuilder AddSignalReplay(this ISiloBuilder silo, Action<SignalReplayOptions>? configure = null)
    {
        var options = new SignalReplayOptions();
        configure?.Invoke(options);
        options.Validate();

        silo.Services.AddSingleton(options);
        silo.Configure<Orleans.Configuration.SiloMessagingOptions>(messaging => messaging.ResponseTimeout = options.RunTimeout);
        silo.Services.AddSingleton<IObjectStore>(_ => ObjectStoreFactory.Create(options.Store));
        silo.Services.AddSingleton<Replay.BaseDataCache>();
        silo.Services.AddPlacementDirector<Replay.ShardPlacement, Replay.ShardPlacementDirector>();
        // Bar and signal batches travel on in-cluster memory streams: one message per batch, never per bar.
        // The pulling agent's default 100 ms poll is idle time at the end of every run; 10 ms costs little.
        // A consumer that is behind gets up to 64 queued batches in one call instead of one call each
        // (each batch is still handed over on its own, in order).
        silo.AddMemoryStreams(Abstractions.StreamNames.Provider, streams => streams.ConfigurePullingAgent(agent =>
            agent.Configure(options =>
            {
                options.GetQueueMsgsTimerPeriod = TimeSpan.FromMilliseconds(10);
                options.BatchContainerBatchSize = 64;
            })));
        // Stream subscriptions last one run: memory, never the object store (see StreamNames.Provider), and in
        // Orleans' binary form: the default JSON serializer rewrote each stream's whole subscriber list per
        // subscription, which cost more than the replay it set up.
        silo.AddMemoryGrainStorage("PubSubStore", storage => storage.Configure<Serializer>((options, serializer) =>
            options.GrainStorageSerializer = new OrleansGrainStorageSerializer(serializer)));
        // Run state in Orleans' binary form, through the same surrogates as grain calls: the default JSON serializer names
        // every domain type it writes ($type) and then refuses to read the ones Orleans has no codec for. States that
        // versions before 2026-12-03 wrote as JSON still read.
        silo.Services.AddGrainStorage(SignalReplayOptions.StorageName, (services, name) => new ObjectStoreGrainStorage(
            name,
            services.GetRequiredService<IObjectStore>(),
            new GrainStorageSerializer(new OrleansGrainStorageSerializer(services.GetRequiredService<Serializer>()), services.GetRequiredService<IGrainStorageSerializer>())));
        return silo;
    }
}
