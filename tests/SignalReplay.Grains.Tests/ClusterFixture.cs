using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Configuration;
using Orleans.Hosting;
using Orleans.Providers;
using Orleans.TestingHost;
using SignalReplay.Storage.Objects;

namespace SignalReplay.Grains.Tests;

/// <summary>
/// A test cluster of <paramref name="silos"/> silos on one local folder store, so grain state written
/// on one silo is read on another, with in-memory reminders. One per collection.
/// </summary>
public abstract class SignalReplayClusterFixture(int silos, bool tinyQueues = false, int? maxBatchesInFlight = null, int? rowsPerBatch = null) : IAsyncLifetime
{
    private const string StoreRootKey = "SignalReplay:StoreRoot";
    private const string TinyQueuesKey = "SignalReplay:TinyQueues";
    private const string MaxBatchesKey = "SignalReplay:MaxBatchesInFlight";
    private const string RowsPerBatchKey = "SignalReplay:RowsPerBatch";
    private readonly TempFolder _folder = new();

    public TestCluster Cluster { get; private set; } = null!;

    public string StoreRoot => _folder.Combine("store");

    public IObjectStore Store => new LocalFolderStore(StoreRoot);

    public async ValueTask InitializeAsync()
    {
        var builder = new TestClusterBuilder((short)silos);
        builder.Properties[StoreRootKey] = StoreRoot;
        builder.Properties[TinyQueuesKey] = tinyQueues.ToString();
        builder.Properties[MaxBatchesKey] = maxBatchesInFlight?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "";
        builder.Properties[RowsPerBatchKey] = rowsPerBatch?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "";
        builder.AddSiloBuilderConfigurator<SiloConfigurator>();
        builder.AddClientBuilderConfigurator<ClientConfigurator>();
        Cluster = builder.Build();
        await Cluster.DeployAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await Cluster.StopAllSilosAsync();
        await Cluster.DisposeAsync();
        _folder.Dispose();
        GC.SuppressFinalize(this);
    }

    /// <summary>Runs are single calls that last as long as the run (the silos allow 30 minutes): so does the test client.</summary>
    private sealed class ClientConfigurator : IClientBuilderConfigurator
    {
        public void Configure(IConfiguration configuration, IClientBuilder client) =>
            client.Configure<ClientMessagingOptions>(messaging => messaging.ResponseTimeout = TimeSpan.FromMinutes(5));
    }

    private sealed class SiloConfigurator : ISiloConfigurator
    {
        public void Configure(ISiloBuilder silo)
        {
            var settings = silo.Configuration;
            silo.UseInMemoryReminderService().AddSignalReplay(options =>
            {
                options.Store = ObjectStoreOptions.LocalFolder(settings[StoreRootKey]!);
                options.MaxBatchesInFlight = int.TryParse(settings[MaxBatchesKey], out var batches) ? batches : options.MaxBatchesInFlight;
                options.RowsPerBatch = int.TryParse(settings[RowsPerBatchKey], out var rows) ? rows : options.RowsPerBatch;
            });

            // The memory-stream queues are Orleans' own, or (one of the two, never both) the tiny test ones.
            var tiny = bool.Parse(settings[TinyQueuesKey]!);
            silo.Services.PostConfigure<GrainTypeOptions>(grains => grains.Classes.Remove(tiny ? typeof(MemoryStreamQueueGrain) : typeof(TinyMemoryStreamQueueGrain)));
        }
    }
}

/// <summary>Two silos: enough for every grain test of placement across silos.</summary>
public sealed class ClusterFixture() : SignalReplayClusterFixture(2);

/// <summary>Three silos, for runs that must survive losing one (the primary is never killed).</summary>
public sealed class ThreeSiloFixture() : SignalReplayClusterFixture(3);

/// <summary>
/// Two silos whose memory-stream queues hold <see cref="TinyMemoryStreamQueueGrain.Capacity"/> messages instead of 16,384,
/// publishing batches of 8 rows with at most 2 unacknowledged per publisher: a run that published without waiting fails here.
/// </summary>
public sealed class TinyQueueFixture() : SignalReplayClusterFixture(2, tinyQueues: true, maxBatchesInFlight: 2, rowsPerBatch: 8);

[CollectionDefinition(Name)]
public sealed class TinyQueueCollection : ICollectionFixture<TinyQueueFixture>
{
    public const string Name = "TinyQueues";
}

[CollectionDefinition(Name)]
public sealed class ClusterCollection : ICollectionFixture<ClusterFixture>
{
    public const string Name = "Cluster";
}

[CollectionDefinition(Name)]
public sealed class ThreeSiloCollection : ICollectionFixture<ThreeSiloFixture>
{
    public const string Name = "ThreeSilos";
}
