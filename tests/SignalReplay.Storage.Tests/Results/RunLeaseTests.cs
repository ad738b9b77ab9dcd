using Microsoft.Extensions.Time.Testing;
using SignalReplay.Storage.Objects;
using SignalReplay.Storage.Results;

namespace SignalReplay.Storage.Tests.Results;

/// <summary>One owner per run: the lease's conditional writes, renewal and expiry on a local folder store.</summary>
public sealed class RunLeaseTests : IDisposable
{
    private const string Run = "leased-20261202-000000-0123456789abcdef";
    private readonly TempFolder _folder = new();
    private readonly LocalFolderStore _store;
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 12, 2, 12, 0, 0, TimeSpan.Zero));

    public RunLeaseTests() => _store = new LocalFolderStore(_folder.Path);

    public void Dispose() => _folder.Dispose();

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private RunLease Lease(string holder, string group = "host/a") => new(_store, Run, holder, group, $"owner {holder}", silo: null, _clock);

    [Fact]
    public async Task A_live_lease_is_never_taken_and_an_expired_one_only_when_allowed()
    {
        var cli = Lease("cli", group: "process/cli");
        var host = Lease("host");
        Assert.True((await cli.TryAcquireAsync(_ => false, Cancel)).Held);

        var (held, current) = await host.TryAcquireAsync(lease => !lease.IsLive(_clock.GetUtcNow()), Cancel);
        Assert.False(held);
        Assert.Equal("owner cli", current!.Owner);
        Assert.Equal("running", await RunLease.EffectiveStatusAsync(_store, Run, "running", _clock.GetUtcNow(), Cancel));

        // The CLI dies: nobody renews, and after the lease's duration its run has no live owner.
        _clock.Advance(RunLease.Duration);
        Assert.Equal("interrupted", await RunLease.EffectiveStatusAsync(_store, Run, "running", _clock.GetUtcNow(), Cancel));
        Assert.False((await host.TryAcquireAsync(lease => lease.Group == "host/a", Cancel)).Held);
        Assert.True((await host.TryAcquireAsync(lease => !lease.IsLive(_clock.GetUtcNow()), Cancel)).Held);

        // The old holder finds out at its next renewal, and stops.
        Assert.False(await cli.RenewAsync(Cancel));
        Assert.Equal("owner host", (await RunLease.ReadAsync(_store, Run, Cancel))!.Owner);
    }

    [Fact]
    public async Task Renewal_keeps_a_lease_live_and_release_frees_it_for_the_next_owner()
    {
        var first = Lease("first");
        await first.TryAcquireAsync(_ => false, Cancel);
        for (var i = 0; i < 10; i++)
        {
            _clock.Advance(RunLease.RenewEvery);
            Assert.True(await first.RenewAsync(Cancel));
        }

        Assert.True((await RunLease.ReadAsync(_store, Run, Cancel))!.IsLive(_clock.GetUtcNow()));
        Assert.False((await Lease("second").TryAcquireAsync(lease => !lease.IsLive(_clock.GetUtcNow()), Cancel)).Held);

        await first.ReleaseAsync(Cancel);

        Assert.Null(await RunLease.ReadAsync(_store, Run, Cancel));
        Assert.Equal("interrupted", await RunLease.EffectiveStatusAsync(_store, Run, "running", _clock.GetUtcNow(), Cancel));
        Assert.Equal("completed", await RunLease.EffectiveStatusAsync(_store, Run, "completed", _clock.GetUtcNow(), Cancel));
        Assert.True((await Lease("second").TryAcquireAsync(_ => false, Cancel)).Held);
    }

    [Fact]
    public async Task Of_eight_processes_taking_one_expired_lease_at_once_exactly_one_holds_it()
    {
        await Lease("dead").TryAcquireAsync(_ => false, Cancel);
        _clock.Advance(RunLease.Duration + TimeSpan.FromSeconds(1));

        var tries = await Task.WhenAll(Enumerable.Range(0, 8).Select(i => Task.Run(() => Lease($"p{i}").TryAcquireAsync(lease => !lease.IsLive(_clock.GetUtcNow()), Cancel), Cancel)));

        Assert.Single(tries, t => t.Held);
        var holder = (await RunLease.ReadAsync(_store, Run, Cancel))!.Holder;
        Assert.Equal($"p{Array.FindIndex(tries, t => t.Held)}", holder);
    }
}
