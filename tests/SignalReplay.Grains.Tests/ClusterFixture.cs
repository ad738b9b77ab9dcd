using Microsoft.Extensions.Configuration;
using Orleans.Hosting;
using Orleans.TestingHost;
using SignalReplay.Storage.Objects;

namespace SignalReplay.Grains.Tests;

/// <summary>
/// One 2-silo test cluster per collection, both silos on one local folder store, so grain state
/// written on one silo is read on the other.
/// </summary>
public sealed class ClusterFixture : IAsyncLifetime
{
    private const string StoreRootKey = "SignalReplay:StoreRoot";
    private readonly TempFolder _folder = new();

    public TestCluster Cluster { get; private set; } = null!;

    public string StoreRoot => _folder.Combine("store");

    public IObjectStore Store => new LocalFolderStore(StoreRoot);

    public async ValueTask InitializeAsync()
    {
        var builder = new TestClusterBuilder(2);
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
    }

    private sealed class SiloConfigurator : ISiloConfigurator
    {
        public void Configure(ISiloBuilder silo) =>
            silo.AddSignalReplay(options => options.Store = ObjectStoreOptions.LocalFolder(silo.Configuration[StoreRootKey]!));
    }
}

[CollectionDefinition(Name)]
public sealed class ClusterCollection : ICollectionFixture<ClusterFixture>
{
    public const string Name = "Cluster";
}
