using Microsoft.Extensions.Configuration;
using Orleans.Hosting;
using Orleans.TestingHost;
using SignalReplay.Storage.Objects;

namespace SignalReplay.Grains.Tests;

/// <summary>
/// A test cluster of <paramref name="silos"/> silos on one local folder store, so grain state written
/// on one silo is read on another, with in-memory reminders. One per collection.
/// </summary>
public abstract class SignalReplayClusterFixture(int silos) : IAsyncLifetime
{
    private const string StoreRootKey = "SignalReplay:StoreRoot";
    private readonly TempFolder _folder = new();

    public TestCluster Cluster { get; private set; } = null!;

    public string StoreRoot => _folder.Combine("store");

    public IObjectStore Store => new LocalFolderStore(StoreRoot);

    public async ValueTask InitializeAsync()
    {
        var builder = new TestClusterBuilder((short)silos);
        builder.Properties[StoreRootKey] = StoreRoot;
        builder.AddSiloBuilderConfigurator<SiloConfigurator>();
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

    private sealed class SiloConfigurator : ISiloConfigurator
    {
        public void Configure(ISiloBuilder silo) => silo
            .UseInMemoryReminderService()
            .AddSignalReplay(options => options.Store = ObjectStoreOptions.LocalFolder(silo.Configuration[StoreRootKey]!));
    }
}

/// <summary>Two silos: enough for every grain test of placement across silos.</summary>
public sealed class ClusterFixture() : SignalReplayClusterFixture(2);

/// <summary>Three silos, for runs that must survive losing one (the primary is never killed).</summary>
public sealed class ThreeSiloFixture() : SignalReplayClusterFixture(3);

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
