using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using SignalReplay.Storage.Objects;
using SignalReplay.Storage.Results;

namespace SignalReplay.Cli.Tests;

/// <summary>
/// A CLI and a silo host on one store: the host never takes the CLI's run while the CLI lives; once the CLI is
/// killed (kill -9) the run shows as interrupted everywhere, and resuming it on the host finishes it with the
/// summary an undisturbed run writes.
/// </summary>
public sealed class RunOwnershipTests : IDisposable
{
    private static readonly string Config = RunConfigs.Sweep("owned", "synthetic-s42-30d");

    private readonly CommandLineRun _run = new();

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    public void Dispose() => _run.Dispose();

    [Fact]
    public async Task The_host_leaves_a_live_clis_run_alone_and_resumes_it_once_the_cli_is_killed()
    {
        await _run.RunAsync("demo", "--days", "30");
        var config = Path.Combine(_run.Folder, "owned.yaml");
        await File.WriteAllTextAsync(config, Config, Cancel);
        await using var host = await SiloHostProcess.StartAsync(_run.StoreRoot);
        using var http = new HttpClient { BaseAddress = host.Api };
        var store = new LocalFolderStore(_run.StoreRoot);

        // The CLI runs the optimization in its own process, on its embedded silo.
        var cli = new ServerProcess("dotnet", [CliAssembly(), "optimize", config, "--store", _run.StoreRoot]);
        string id;
        try
        {
            id = await FirstRunAsync(store, cli);
            var asked = await http.GetFromJsonAsync<JsonElement>($"/api/runs/{id}", Cancel);
            Assert.Equal("running", asked.GetProperty("state").GetString());
            Assert.Contains($"pid {cli.ProcessId}", asked.GetProperty("host").GetString());
            var refused = await http.PostAsync($"/api/runs/{id}/resume", null, Cancel);
            Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
            Assert.Contains("it cannot be resumed while that process lives", (await refused.Content.ReadFromJsonAsync<JsonElement>(Cancel)).GetProperty("detail").GetString());
            Assert.Equal("running", (await new ResultsReader(store).ReadMetadataAsync(id, Cancel))!.Status);
            Assert.False(cli.HasExited, $"The CLI ended before it could be killed: make the run longer.\n{cli.Output}");
        }
        finally
        {
            await cli.DisposeAsync(); // kill -9
        }

        // Within the lease's 30 s, the run has no live owner: interrupted in the API, runs list and runs watch.
        var clock = Stopwatch.StartNew();
        JsonElement status;
        while ((status = await http.GetFromJsonAsync<JsonElement>($"/api/runs/{id}", Cancel)).GetProperty("state").GetString() == "running")
        {
            Assert.True(clock.Elapsed < RunLease.Duration + TimeSpan.FromSeconds(30), "The killed CLI's run still shows as running.");
            await Task.Delay(500, Cancel);
        }

        Assert.Equal("interrupted", status.GetProperty("state").GetString());
        Assert.Contains("left by its owner", status.GetProperty("error").GetString());
        var (_, listed) = await _run.RunAsync("runs", "list");
        Assert.Contains("interrupted", listed.Split('\n').Single(line => line.Contains(id, StringComparison.Ordinal)));
        var (watchExit, watched) = await _run.RunAsync("runs", "watch", id);
        Assert.Equal(1, watchExit);
        Assert.Contains($"signalreplay runs resume {id} continues it", watched.ReplaceLineEndings(""));

        var resumed = await http.PostAsync($"/api/runs/{id}/resume", null, Cancel);
        Assert.Equal(HttpStatusCode.OK, resumed.StatusCode);
        while ((status = await http.GetFromJsonAsync<JsonElement>($"/api/runs/{id}", Cancel)).GetProperty("state").GetString() == "running")
        {
            Assert.True(clock.Elapsed < TimeSpan.FromMinutes(4), "The resumed run did not finish.");
            await Task.Delay(250, Cancel);
        }

        Assert.Equal("completed", status.GetProperty("state").GetString());

        // The same configuration undisturbed, by the CLI in this process, writes the same summary.
        var (exit, output) = await _run.RunAsync("optimize", config);
        Assert.True(exit == 0, output);
        var reader = new ResultsReader(store);
        var reference = (await RunIndex.PageAsync(store, 10, null, Cancel)).Runs.First(run => run.Id != id && run.Name == "owned").Id;
        Assert.Equal(Json((await reader.ReadSummaryAsync(reference, Cancel))!), Json((await reader.ReadSummaryAsync(id, Cancel))!));
    }

    /// <summary>The id of the first run the CLI puts in the store.</summary>
    private static async Task<string> FirstRunAsync(LocalFolderStore store, ServerProcess cli)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var page = await RunIndex.PageAsync(store, 10, null, Cancel);
            if (page.Runs.FirstOrDefault(run => run.Name == "owned") is { } run)
            {
                return run.Id;
            }

            Assert.False(cli.HasExited, $"The CLI ended before its run was in the store:\n{cli.Output}");
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(60), $"The CLI's run was not in the store in 60 s:\n{cli.Output}");
            await Task.Delay(20, Cancel);
        }
    }

    private static string Json(RunSummary summary) => JsonSerializer.Serialize(summary with { Workflow = "" }, ResultsJson.Options);

    private static string CliAssembly() => BuiltProgram.Path("SignalReplay.Cli", "signalreplay.dll");
}
