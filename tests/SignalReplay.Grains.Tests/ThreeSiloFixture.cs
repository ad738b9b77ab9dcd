using Orleans.Hosting;
using Orleans.TestingHost;
using SignalReplay.Storage.Objects;

namespace SignalReplay.Grains.Tests;

/// <summary>A 3-silo cluster on one local folder store, with reminders, for runs that must survive a silo.</summary>
public sealed class ThreeSiloFixture : IAsyncLifetime
{
    private const string StoreRootKey = "SignalReplay:StoreRoot";
    private readonly TempFolder _folder = new();

    public TestCluster Cluster { get; private set; } = null!;

    public string StoreRoot => _folder.Combine("store");

    public IObjectStore Store => new LocalFolderStore(StoreRoot);

    public async ValueTask InitializeAsync()
    {
        var builder = new TestClusterBuilder(3);
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
        public void Configure(ISiloBuilder silo) => silo
            .UseInMemoryReminderService()
            .AddSignalReplay(options => options.Store = ObjectStoreOptions.LocalFolder(silo.Configuration[StoreRootKey]!));
    }
}

[CollectionDefinition(Name)]
public sealed class ThreeSiloCollection : ICollectionFixture<ThreeSiloFixture>
{
    public const string Name = "ThreeSilos";
}
