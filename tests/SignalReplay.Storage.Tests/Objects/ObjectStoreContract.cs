using System.Text;
using SignalReplay.Storage.Objects;

namespace SignalReplay.Storage.Tests.Objects;

/// <summary>
/// Every behaviour an <see cref="IObjectStore"/> promises, run against each implementation:
/// the local folder here, Azure Blob on Azurite.
/// </summary>
public abstract class ObjectStoreContract
{
    protected static CancellationToken Cancel => TestContext.Current.CancellationToken;

    protected abstract Task<IObjectStore> CreateStoreAsync();

    private static ObjectKey Key(string key) => ObjectKey.Parse(key);

    protected static byte[] Text(string text) => Encoding.UTF8.GetBytes(text);

    [Fact]
    public async Task Written_bytes_read_back()
    {
        var store = await CreateStoreAsync();

        var eTag = await store.PutBytesAsync(Key("data/base/demo/SPY_1m.parquet"), Text("bars"), cancellationToken: Cancel);

        Assert.Equal(Text("bars"), await store.ReadAllBytesAsync(Key("data/base/demo/SPY_1m.parquet"), Cancel));
        await using var content = await store.OpenReadAsync(Key("data/base/demo/SPY_1m.parquet"), Cancel);
        Assert.Equal(eTag, content.ETag);
    }

    [Fact]
    public async Task A_write_replaces_the_object_and_changes_its_etag()
    {
        var store = await CreateStoreAsync();
        var first = await store.PutBytesAsync(Key("a/b"), Text("one"), cancellationToken: Cancel);

        var second = await store.PutBytesAsync(Key("a/b"), Text("two"), cancellationToken: Cancel);

        Assert.NotEqual(first, second);
        Assert.Equal(Text("two"), await store.ReadAllBytesAsync(Key("a/b"), Cancel));
    }

    [Fact]
    public async Task Create_only_write_conflicts_when_the_object_exists()
    {
        var store = await CreateStoreAsync();
        await store.PutBytesAsync(Key("a/b"), Text("one"), new ObjectWriteOptions { IfNoneMatch = true }, Cancel);

        var error = await Assert.ThrowsAsync<ObjectConflictException>(() =>
            store.PutBytesAsync(Key("a/b"), Text("two"), new ObjectWriteOptions { IfNoneMatch = true }, Cancel));

        Assert.Contains("'a/b'", error.Message);
        Assert.Equal(Text("one"), await store.ReadAllBytesAsync(Key("a/b"), Cancel));
    }

    [Fact]
    public async Task Write_if_match_succeeds_on_the_current_etag_and_conflicts_on_a_stale_one()
    {
        var store = await CreateStoreAsync();
        var stale = await store.PutBytesAsync(Key("state/x"), Text("v1"), cancellationToken: Cancel);
        var current = await store.PutBytesAsync(Key("state/x"), Text("v2"), new ObjectWriteOptions { IfMatch = stale }, Cancel);

        await Assert.ThrowsAsync<ObjectConflictException>(() =>
            store.PutBytesAsync(Key("state/x"), Text("v3"), new ObjectWriteOptions { IfMatch = stale }, Cancel));
        await store.PutBytesAsync(Key("state/x"), Text("v3"), new ObjectWriteOptions { IfMatch = current }, Cancel);

        Assert.Equal(Text("v3"), await store.ReadAllBytesAsync(Key("state/x"), Cancel));
    }

    [Fact]
    public async Task Write_if_match_on_a_missing_object_conflicts()
    {
        var store = await CreateStoreAsync();

        await Assert.ThrowsAsync<ObjectConflictException>(() =>
            store.PutBytesAsync(Key("state/none"), Text("v"), new ObjectWriteOptions { IfMatch = "\"0x1\"" }, Cancel));
        Assert.False(await store.ExistsAsync(Key("state/none"), Cancel));
    }

    [Fact]
    public async Task Tags_are_kept_with_the_object_and_listed()
    {
        var store = await CreateStoreAsync();
        var tags = new Dictionary<string, string> { ["retention"] = "events", ["workflow"] = "w-1" };

        await store.PutBytesAsync(Key("results/w-1/events/p.jsonl.gz"), Text("e"), new ObjectWriteOptions { Tags = tags }, Cancel);

        var info = await store.GetInfoAsync(Key("results/w-1/events/p.jsonl.gz"), Cancel);
        Assert.Equal(tags.OrderBy(t => t.Key), info!.Tags.OrderBy(t => t.Key));
        var listed = await store.ListAsync("results/", Cancel).SingleAsync(Cancel);
        Assert.Equal("events", listed.Tags["retention"]);
    }

    [Fact]
    public async Task A_tag_that_azure_would_refuse_is_refused_naming_the_key()
    {
        var store = await CreateStoreAsync();

        var error = await Assert.ThrowsAsync<ArgumentException>(() => store.PutBytesAsync(
            Key("a/b"), Text("x"), new ObjectWriteOptions { Tags = new Dictionary<string, string> { ["retention"] = "7 days!" } }, Cancel));

        Assert.Contains("'a/b'", error.Message);
        Assert.False(await store.ExistsAsync(Key("a/b"), Cancel));
    }

    [Fact]
    public async Task Listing_by_prefix_is_sorted_and_leaves_out_siblings()
    {
        var store = await CreateStoreAsync();
        foreach (var key in new[] { "data/base/b/2", "data/base2/x", "data/base/a/1", "data/base/b/10", "results/r" })
        {
            await store.PutBytesAsync(Key(key), Text(key), cancellationToken: Cancel);
        }

        var listed = await store.ListAsync("data/base/", Cancel).Select(info => info.Key.Value).ToListAsync(Cancel);

        Assert.Equal(["data/base/a/1", "data/base/b/10", "data/base/b/2"], listed);
        Assert.Equal(5, await store.ListAsync("", Cancel).CountAsync(Cancel));
        Assert.Equal(4, await store.ListAsync("data/ba", Cancel).CountAsync(Cancel));
        Assert.Empty(await store.ListAsync("nothing/", Cancel).ToListAsync(Cancel));
        foreach (var prefix in new[] { "data/base/", "", "data/ba", "nothing/" })
        {
            Assert.Equal(
                await store.ListAsync(prefix, Cancel).Select(info => info.Key).ToListAsync(Cancel),
                await store.ListKeysAsync(prefix, Cancel).ToListAsync(Cancel));
        }
    }

    [Fact]
    public async Task Delete_removes_the_object_once()
    {
        var store = await CreateStoreAsync();
        await store.PutBytesAsync(Key("a/b"), Text("x"), cancellationToken: Cancel);

        Assert.True(await store.DeleteAsync(Key("a/b"), Cancel));
        Assert.False(await store.DeleteAsync(Key("a/b"), Cancel));
        Assert.Null(await store.GetInfoAsync(Key("a/b"), Cancel));
    }

    [Fact]
    public async Task Reading_a_missing_object_names_its_key()
    {
        var store = await CreateStoreAsync();

        var error = await Assert.ThrowsAsync<ObjectNotFoundException>(() => store.OpenReadAsync(Key("data/indices/none/manifest.json"), Cancel));

        Assert.Contains("data/indices/none/manifest.json", error.Message);
    }

    [Fact]
    public async Task A_write_that_fails_midway_leaves_the_previous_object_whole()
    {
        var store = await CreateStoreAsync();
        await store.PutBytesAsync(Key("data/x.parquet"), Text("old"), cancellationToken: Cancel);

        await Assert.ThrowsAsync<IOException>(() =>
            store.PutAsync(Key("data/x.parquet"), new FailingStream(bytesBeforeFailure: 3 << 20), cancellationToken: Cancel));
        await Assert.ThrowsAsync<IOException>(() =>
            store.PutAsync(Key("data/y.parquet"), new FailingStream(bytesBeforeFailure: 3 << 20), cancellationToken: Cancel));

        Assert.Equal(Text("old"), await store.ReadAllBytesAsync(Key("data/x.parquet"), Cancel));
        Assert.Equal(["data/x.parquet"], await store.ListAsync("", Cancel).Select(info => info.Key.Value).ToListAsync(Cancel));
    }

    [Fact]
    public async Task A_large_object_round_trips()
    {
        var store = await CreateStoreAsync();
        var bytes = new byte[20 << 20];
        new Random(7).NextBytes(bytes);

        await store.PutBytesAsync(Key("big/blob.bin"), bytes, cancellationToken: Cancel);

        Assert.Equal(bytes, await store.ReadAllBytesAsync(Key("big/blob.bin"), Cancel));
        Assert.Equal(bytes.Length, (await store.GetInfoAsync(Key("big/blob.bin"), Cancel))!.Size);
    }

    /// <summary>A stream that yields some bytes and then fails, like a dropped upload.</summary>
    private sealed class FailingStream(int bytesBeforeFailure) : Stream
    {
        private int _position;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => _position;
            set => throw new NotSupportedException();
        }

        public override int Read(byte[] buffer, int offset, int count)
        {
            if (_position >= bytesBeforeFailure)
            {
                throw new IOException("The connection dropped.");
            }

            var n = Math.Min(count, bytesBeforeFailure - _position);
            Array.Fill(buffer, (byte)'x', offset, n);
            _position += n;
            return n;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}

public sealed class LocalFolderStoreTests : ObjectStoreContract, IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    protected override Task<IObjectStore> CreateStoreAsync() =>
        Task.FromResult<IObjectStore>(new LocalFolderStore(_folder.Combine("store-" + Guid.NewGuid().ToString("N"))));

    [Fact]
    public async Task Leftovers_of_a_crashed_write_are_not_objects()
    {
        var store = new LocalFolderStore(_folder.Path);
        Directory.CreateDirectory(_folder.Combine(".tmp"));
        await File.WriteAllTextAsync(_folder.Combine(".tmp", "abandoned"), "half", Cancel);

        Assert.Empty(await store.ListAsync("", Cancel).ToListAsync(Cancel));
    }

    [Fact]
    public async Task Conditional_writes_through_separate_store_instances_on_one_folder_never_lose_an_update()
    {
        // Two instances share no in-process lock, as a CLI and a host on one store do not: each increment reads the
        // counter and writes it back over the ETag it read, retrying on a conflict.
        var stores = new[] { new LocalFolderStore(_folder.Path), new LocalFolderStore(_folder.Path) };
        var key = ObjectKey.Parse("counter");
        await stores[0].PutBytesAsync(key, Text("0"), cancellationToken: Cancel);

        await Task.WhenAll(Enumerable.Range(0, 8).Select(writer => Task.Run(
            async () =>
            {
                for (var i = 0; i < 25; i++)
                {
                    while (true)
                    {
                        var info = (await stores[writer % 2].GetInfoAsync(key, Cancel))!;
                        var value = int.Parse(System.Text.Encoding.UTF8.GetString(await stores[writer % 2].ReadAllBytesAsync(key, Cancel)), System.Globalization.CultureInfo.InvariantCulture);
                        try
                        {
                            await stores[writer % 2].PutBytesAsync(key, Text($"{value + 1}"), new ObjectWriteOptions { IfMatch = info.ETag }, Cancel);
                            break;
                        }
                        catch (ObjectConflictException)
                        {
                        }
                    }
                }
            },
            Cancel)));

        Assert.Equal(Text("200"), await stores[1].ReadAllBytesAsync(key, Cancel));
    }
}

[Collection(AzuriteCollection.Name)]
public sealed class AzureBlobStoreTests(AzuriteFixture azurite) : ObjectStoreContract
{
    protected override async Task<IObjectStore> CreateStoreAsync() => new AzureBlobStore(await azurite.NewContainerAsync());
}
