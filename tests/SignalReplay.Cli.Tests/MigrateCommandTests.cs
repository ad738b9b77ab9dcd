using SignalReplay.Storage.Objects;

namespace SignalReplay.Cli.Tests;

public sealed class MigrateCommandTests : IDisposable
{
    private readonly CommandLineRun _run = new();

    public void Dispose() => _run.Dispose();

    [Fact]
    public async Task Migrate_removes_the_stream_subscriptions_older_versions_left_and_keeps_run_state()
    {
        var cancel = TestContext.Current.CancellationToken;
        var store = new LocalFolderStore(_run.StoreRoot);
        var leftover = ObjectKey.Parse("grain-state/signalreplay/PubSubRendezvousGrain/pubsubrendezvous/h-131a99a6ff76e90f42064b5c662f4a39");
        var sequencer = ObjectKey.Parse("grain-state/signalreplay/sequencer/sequencer/demo-20261125-000000-abcd");
        await store.PutBytesAsync(leftover, "{}"u8.ToArray(), cancellationToken: cancel);
        await store.PutBytesAsync(sequencer, "{}"u8.ToArray(), cancellationToken: cancel);

        var (exitCode, output) = await _run.RunAsync("migrate");
        var (againExit, again) = await _run.RunAsync("migrate");

        Assert.True(exitCode == 0, output);
        Assert.Contains("Removed 1 stream-subscription file(s)", output);
        Assert.False(await store.ExistsAsync(leftover, cancel));
        Assert.True(await store.ExistsAsync(sequencer, cancel));
        Assert.True(againExit == 0, again);
        Assert.Contains("Removed 0 stream-subscription file(s)", again);
    }
}
