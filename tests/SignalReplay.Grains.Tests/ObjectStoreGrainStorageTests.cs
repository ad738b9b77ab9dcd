using System.Text.Json;
using Orleans.Storage;
using SignalReplay.Grains.Storage;
using SignalReplay.Storage.Objects;

namespace SignalReplay.Grains.Tests;

[Collection(ClusterCollection.Name)]
public sealed class ObjectStoreGrainStorageTests(ClusterFixture fixture)
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Grain_state_survives_deactivation_through_the_object_store()
    {
        var counter = fixture.Cluster.GrainFactory.GetGrain<ICounterGrain>("survivor");
        await counter.IncrementAsync();
        await counter.IncrementAsync();
        await counter.IncrementAsync();

        await counter.DeactivateAsync();
        await Task.Delay(200, Cancel);

        Assert.Equal(3, await counter.GetAsync());
        var stored = await fixture.Store.ListAsync("grain-state/signalreplay/counter/", Cancel).Select(info => info.Key.Value).ToListAsync(Cancel);
        Assert.Contains(stored, key => key.EndsWith("/survivor", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Grains_on_both_silos_keep_their_state_in_the_one_store()
    {
        var keys = Enumerable.Range(0, 20).Select(i => $"many-{i:D2}").ToArray();

        await Task.WhenAll(keys.Select(key => fixture.Cluster.GrainFactory.GetGrain<ICounterGrain>(key).IncrementAsync()));

        var stored = await fixture.Store.ListAsync("grain-state/signalreplay/counter/", Cancel)
            .Select(info => info.Key.Value[(info.Key.Value.LastIndexOf('/') + 1)..])
            .Where(key => key.StartsWith("many-", StringComparison.Ordinal))
            .ToListAsync(Cancel);
        Assert.Equal(keys, stored);
        Assert.Equal(2, fixture.Cluster.GetActiveSilos().Count());
    }

    [Fact]
    public async Task A_write_from_a_stale_read_is_refused_as_inconsistent_state()
    {
        using var folder = new TempFolder();
        var storage = new ObjectStoreGrainStorage("signalreplay", new LocalFolderStore(folder.Path), new JsonSerializer());
        var grain = GrainId.Create("counter", "contended");
        var first = new CounterStateHolder();
        var second = new CounterStateHolder();
        await storage.ReadStateAsync("counter", grain, first);
        await storage.ReadStateAsync("counter", grain, second);

        first.State.Count = 1;
        await storage.WriteStateAsync("counter", grain, first);
        second.State.Count = 2;

        await Assert.ThrowsAsync<InconsistentStateException>(() => storage.WriteStateAsync("counter", grain, second));
        var reread = new CounterStateHolder();
        await storage.ReadStateAsync("counter", grain, reread);
        Assert.Equal(1, reread.State.Count);
        Assert.True(reread.RecordExists);
    }

    [Fact]
    public async Task A_grain_key_with_a_path_in_it_stays_inside_grain_state()
    {
        using var folder = new TempFolder();
        var store = new LocalFolderStore(folder.Combine("store"));
        var storage = new ObjectStoreGrainStorage("signalreplay", store, new JsonSerializer());

        await storage.WriteStateAsync("counter", GrainId.Create("counter", "../../escape"), new CounterStateHolder());

        var key = Assert.Single(await store.ListAsync("", Cancel).ToListAsync(Cancel)).Key.Value;
        Assert.StartsWith("grain-state/signalreplay/counter/counter/h-", key);
        Assert.False(Directory.Exists(folder.Combine("escape")));
    }

    private sealed class CounterStateHolder : IGrainState<CounterState>
    {
        [System.Diagnostics.CodeAnalysis.AllowNull]
        public CounterState State { get; set; } = new();

        public string? ETag { get; set; }

        public bool RecordExists { get; set; }
    }

    private sealed class JsonSerializer : IGrainStorageSerializer
    {
        public BinaryData Serialize<T>(T? input) => new(System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(input));

        public T Deserialize<T>(BinaryData input) => input.ToObjectFromJson<T>()!;
    }
}
