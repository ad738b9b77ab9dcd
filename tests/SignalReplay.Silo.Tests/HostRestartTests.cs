using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using SignalReplay.Core.Synthetic;
using SignalReplay.Storage.BaseData;
using SignalReplay.Storage.Objects;
using SignalReplay.Storage.Results;

namespace SignalReplay.Silo.Tests;

/// <summary>
/// A host killed mid-run (kill -9: no shutdown, reminders in memory gone) and started again on the same store
/// finishes the run by itself, with nobody asking for its status, and writes what an undisturbed run writes.
/// </summary>
public sealed class HostRestartTests : IAsyncLifetime
{
    private static readonly string Config = RunConfigs.Sweep("restarted", "restart");

    private readonly TempFolder _folder = new();

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private string StoreRoot => _folder.Combine("store");

    private IObjectStore Store => new LocalFolderStore(StoreRoot);

    public async ValueTask InitializeAsync()
    {
        var market = SyntheticMarket.Generate(SyntheticMarketOptions.Default with { TradingDays = 30 });
        await new BaseDatasetStore(Store).WriteAsync("restart", market.Series, Cancel);
    }

    public ValueTask DisposeAsync()
    {
        _folder.Dispose();
        return ValueTask.CompletedTask;
    }

    [Fact]
    public async Task A_host_killed_mid_run_and_started_again_finishes_its_run_without_a_status_call()
    {
        string id;
        await using (var first = await SiloHostProcess.StartAsync(StoreRoot))
        {
            using var http = new HttpClient { BaseAddress = first.Api };
            var started = await http.PostAsync("/api/runs", new StringContent(Config), Cancel);
            Assert.Equal(HttpStatusCode.Accepted, started.StatusCode);
            id = (await started.Content.ReadFromJsonAsync<JsonElement>(Cancel)).GetProperty("run_id").GetString()!;
            await Task.Delay(500, Cancel);
        } // kill -9: the process tree is killed, nothing is shut down

        var reader = new ResultsReader(Store);
        Assert.True((await reader.ReadMetadataAsync(id, Cancel))!.Status == "running", "The run finished before its host was killed: make it longer.");

        await using var second = await SiloHostProcess.StartAsync(StoreRoot);
        var clock = Stopwatch.StartNew();
        RunMetadata metadata;
        while ((metadata = (await reader.ReadMetadataAsync(id, Cancel))!).Status == "running")
        {
            Assert.True(clock.Elapsed < TimeSpan.FromMinutes(3), $"The run did not finish in 3 minutes after the restart. The host said:\n{second.Output}");
            await Task.Delay(250, Cancel); // the store only: no status call wakes the run
        }

        Assert.True(metadata.Status == "completed", $"{metadata.Status}: {metadata.Error}");
        Assert.Contains($"Run {id} lost its owner", second.Output);

        // An undisturbed run of the same configuration, on the same host, writes the same summary.
        using var client = new HttpClient { BaseAddress = second.Api };
        var again = await client.PostAsync("/api/runs", new StringContent(Config), Cancel);
        var reference = (await again.Content.ReadFromJsonAsync<JsonElement>(Cancel)).GetProperty("run_id").GetString()!;
        while ((await client.GetFromJsonAsync<JsonElement>($"/api/runs/{reference}", Cancel)).GetProperty("state").GetString() == "running")
        {
            Assert.True(clock.Elapsed < TimeSpan.FromMinutes(6), "The undisturbed run did not finish.");
            await Task.Delay(250, Cancel);
        }

        var resumed = (await reader.ReadSummaryAsync(id, Cancel))!;
        var undisturbed = (await reader.ReadSummaryAsync(reference, Cancel))!;
        Assert.Equal(Json(undisturbed with { Workflow = "" }), Json(resumed with { Workflow = "" }));
    }

    private static string Json(RunSummary summary) => JsonSerializer.Serialize(summary, ResultsJson.Options);
}
