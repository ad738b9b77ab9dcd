using System.Runtime.CompilerServices;
using SignalReplay.Silo.Api;
using SignalReplay.Storage.Objects;
using SignalReplay.Storage.Results;

namespace SignalReplay.Silo.Tests;

public sealed class RunListingTests : IDisposable
{
    private readonly TempFolder _folder = new();

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task Identical_listings_in_flight_share_one_read_of_the_index_and_a_later_one_reads_afresh()
    {
        var store = new GatedStore(new LocalFolderStore(_folder.Path));
        var writer = new ResultsWriter(store);
        for (var i = 0; i < 5; i++)
        {
            var created = new DateTimeOffset(2026, 1, 1, 0, i, 0, TimeSpan.Zero);
            await writer.WriteMetadataAsync($"run-{i}", new RunMetadata(2, $"run-{i}", "r", "completed", "", null, "d", new Dictionary<string, string>(), created, created, created, [], null, null, null), Cancel);
        }

        var listing = new RunListing(store);
        store.Close();
        var pages = Enumerable.Range(0, 50).Select(_ => listing.PageAsync(3, null)).ToList();
        var other = listing.PageAsync(2, null);
        store.Open();
        var results = await Task.WhenAll(pages);

        Assert.Equal(2, store.Listings); // one for the 50 identical requests, one for the other page size
        Assert.All(results, page => Assert.Equal(["run-4", "run-3", "run-2"], page.Runs.Select(r => r.Id)));
        Assert.Equal(2, (await other).Runs.Count);
        await listing.PageAsync(3, null);
        Assert.Equal(3, store.Listings); // nothing is kept once a read has ended
    }

    /// <summary>A store whose key listings wait at a gate the test opens, and are counted.</summary>
    private sealed class GatedStore(IObjectStore inner) : IObjectStore
    {
        private TaskCompletionSource _gate = CompletedGate();

        public int Listings { get; private set; }

        public void Close() => _gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        public void Open() => _gate.TrySetResult();

        public async IAsyncEnumerable<ObjectKey> ListKeysAsync(string prefix, [EnumeratorCancellation] CancellationToken cancellationToken = default)
        {
            Listings++;
            await _gate.Task;
            await foreach (var key in inner.ListKeysAsync(prefix, cancellationToken))
            {
                yield return key;
            }
        }

        public Task<string> PutAsync(ObjectKey key, Stream content, ObjectWriteOptions? options = null, CancellationToken cancellationToken = default) =>
            inner.PutAsync(key, content, options, cancellationToken);

        public Task<ObjectContent> OpenReadAsync(ObjectKey key, CancellationToken cancellationToken = default) => inner.OpenReadAsync(key, cancellationToken);

        public Task<ObjectInfo?> GetInfoAsync(ObjectKey key, CancellationToken cancellationToken = default) => inner.GetInfoAsync(key, cancellationToken);

        public IAsyncEnumerable<ObjectInfo> ListAsync(string prefix, CancellationToken cancellationToken = default) => inner.ListAsync(prefix, cancellationToken);

        public Task<bool> DeleteAsync(ObjectKey key, CancellationToken cancellationToken = default) => inner.DeleteAsync(key, cancellationToken);

        private static TaskCompletionSource CompletedGate()
        {
            var gate = new TaskCompletionSource();
            gate.SetResult();
            return gate;
        }
    }
}
