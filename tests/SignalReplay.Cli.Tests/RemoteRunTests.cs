using System.Net.Http.Json;
using System.Text.RegularExpressions;
using SignalReplay.Core.Optimization;
using SignalReplay.Core.Synthetic;
using SignalReplay.Storage.BaseData;
using SignalReplay.Storage.Objects;
using SignalReplay.Storage.Results;

namespace SignalReplay.Cli.Tests;

/// <summary>One real silo host process for the class: its store is the store the CLI reads locally too.</summary>
public sealed class SiloHostFixture : IAsyncLifetime
{
    public const string Key = "cli-test-key-0123456789";

    private readonly TempFolder _folder = new();

    public SiloHostProcess Host { get; private set; } = null!;

    public string StoreRoot => _folder.Combine("store");

    public async ValueTask InitializeAsync()
    {
        var market = SyntheticMarket.Generate(SyntheticMarketOptions.Default with { TradingDays = 5 });
        await new BaseDatasetStore(new LocalFolderStore(StoreRoot)).WriteAsync("remote", market.Series);
        Host = await SiloHostProcess.StartAsync(StoreRoot, new Dictionary<string, string> { ["SignalReplay__Api__Key"] = Key });
    }

    public async ValueTask DisposeAsync()
    {
        await Host.DisposeAsync();
        _folder.Dispose();
    }
}

/// <summary><c>optimize --api</c> and <c>runs watch</c>: the CLI as a client of a silo host, and following a run through the store.</summary>
public sealed partial class RemoteRunTests(SiloHostFixture silo) : IClassFixture<SiloHostFixture>, IDisposable
{
    private const string Config = """
        name: remote-run
        data: { dataset: remote, series: [SYNA_1m], batch_window: 1d }
        classifiers: [ { name: trend, series: SYNA_1m } ]
        strategies:
          - { name: momentum, series: SYNA_1m, params: { fast: [5, 10], slow: 40 } }
        portfolio: { risk: { stop_loss: [none, 0.01] } }
        phases:
          - { name: grid, kind: grid, top: 2 }
          - { name: regime, kind: regime, classifier: trend }
        """;

    private readonly CommandLineRun _run = new(silo.StoreRoot);

    private string Api => silo.Host.Api.ToString();

    public void Dispose() => _run.Dispose();

    [Fact]
    public async Task Optimize_with_api_runs_on_the_host_follows_it_and_prints_its_summary()
    {
        var (id, output) = await OptimizeOnHostAsync();

        Assert.Contains($"Run {id}: completed, 2/2 phases.", output);
        Assert.Contains("Choice (best of phase regime)", output);
        Assert.True(File.Exists(Path.Combine(silo.StoreRoot, "results", id, "summary.json")), "the host wrote the results into its store");

        // Watching a finished run, through the API and through the store, ends at once with its summary.
        var (apiExit, apiOutput) = await _run.RunAsync("runs", "watch", id, "--api", Api, "--api-key", SiloHostFixture.Key);
        var (storeExit, storeOutput) = await _run.RunAsync("runs", "watch", id);
        Assert.True(apiExit == 0, apiOutput);
        Assert.True(storeExit == 0, storeOutput);
        foreach (var watched in new[] { apiOutput, storeOutput })
        {
            Assert.Contains($"Run {id}: completed, 2/2 phases.", watched);
            Assert.Contains("Choice (best of phase regime)", watched);
        }
    }

    [Fact]
    public async Task Runs_watch_follows_a_run_started_elsewhere_through_the_store_until_it_completes()
    {
        using var http = HostClient();
        var id = await StartOnHostAsync(http);

        var (exitCode, output) = await _run.RunAsync("runs", "watch", id, "--poll", "0.1");

        Assert.True(exitCode == 0, output);
        Assert.Contains($"Run {id}: completed, 2/2 phases.", output);
        Assert.Contains("Choice (best of phase regime)", output);
    }

    [Fact]
    public async Task A_run_interrupted_on_the_host_is_resumed_and_followed_from_the_cli()
    {
        using var http = HostClient();
        var cancel = TestContext.Current.CancellationToken;
        var id = await StartOnHostAsync(http);
        using var interrupted = await http.PostAsync($"/api/runs/{id}/interrupt", null, cancel);
        Assert.Equal(RunState.Interrupted, (await interrupted.Content.ReadFromJsonAsync<Abstractions.RunStatus>(Storage.Results.ResultsJson.Options, cancel))!.State);

        var (againExit, again) = await _run.RunAsync("runs", "interrupt", id, "--api", Api, "--api-key", SiloHostFixture.Key);
        var (resumeExit, resumed) = await _run.RunAsync("runs", "resume", id, "--api", Api, "--api-key", SiloHostFixture.Key, "--poll", "0.1");

        Assert.True(againExit == 0, again);
        Assert.Contains($"Run {id}: interrupted after", again);
        Assert.True(resumeExit == 0, resumed);
        Assert.Contains($"Run {id}: completed, 2/2 phases.", resumed);
        Assert.Contains("Choice (best of phase regime)", resumed);
    }

    [Fact]
    public async Task Runs_interrupt_needs_a_host_and_names_a_run_it_lacks()
    {
        var (localExit, local) = await _run.RunAsync("runs", "interrupt", "some-run");
        var (unknownExit, unknown) = await _run.RunAsync("runs", "interrupt", "no-such-run", "--api", Api, "--api-key", SiloHostFixture.Key);

        Assert.Equal(1, localExit);
        Assert.Contains("give --api URL", local.ReplaceLineEndings(""));
        Assert.Equal(1, unknownExit);
        Assert.Contains("There is no run 'no-such-run'", unknown.ReplaceLineEndings(""));
    }

    [Fact]
    public async Task Runs_watch_reports_each_phase_as_the_store_metadata_moves_on()
    {
        using var local = new CommandLineRun();
        var results = new ResultsWriter(new LocalFolderStore(local.StoreRoot));
        var cancel = TestContext.Current.CancellationToken;
        RunMetadata Metadata(string status, params string[] done) => new(
            2, "watched-1", "watched", status, Config, null, "remote", new Dictionary<string, string>(), null, null, null,
            [.. done.Select(phase => new PhaseTiming(phase, phase, 4, 0.1))], null, null, null);
        await results.WriteMetadataAsync("watched-1", Metadata("running"), cancel);
        // The owner this test plays holds the run's lease (a running run without one shows as interrupted).
        await new RunLease(new LocalFolderStore(local.StoreRoot), "watched-1", "test", "test", "this test", null, TimeProvider.System).TryAcquireAsync(_ => false, cancel);

        var watching = local.RunAsync("runs", "watch", "watched-1", "--poll", "0.05");
        await Task.Delay(1000, cancel);
        await results.WriteMetadataAsync("watched-1", Metadata("running", "grid"), cancel);
        await Task.Delay(1000, cancel);
        await results.WriteMetadataAsync("watched-1", Metadata("failed", "grid") with { Error = "the regime phase ran out of candidates" }, cancel);
        var (exitCode, output) = await watching;

        Assert.Equal(1, exitCode);
        Assert.Equal(
            [
                "Run watched-1: phase 1/2 (grid)",
                "Run watched-1: phase 2/2 (regime)",
                "Run watched-1: failed after 1/2 phases: the regime phase ran out of candidates",
                "error: Run watched-1 failed: the regime phase ran out of candidates",
            ],
            output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
    }

    [Fact]
    public async Task A_wrong_api_key_is_one_clear_error_and_no_run()
    {
        var config = await WriteConfigAsync(Config.Replace("remote-run", "refused-run", StringComparison.Ordinal));

        var (exitCode, output) = await _run.RunAsync("optimize", config, "--api", Api, "--api-key", "wrong");

        Assert.Equal(1, exitCode);
        Assert.Contains("401", output);
        Assert.Contains("API key is missing or wrong", output);
        Assert.DoesNotContain(Directory.Exists(Path.Combine(silo.StoreRoot, "results")) ? Directory.GetDirectories(Path.Combine(silo.StoreRoot, "results")) : [], d => d.Contains("refused-run", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Watching_an_unknown_run_names_it()
    {
        var (apiExit, apiOutput) = await _run.RunAsync("runs", "watch", "no-such-run", "--api", Api, "--api-key", SiloHostFixture.Key);
        var (storeExit, storeOutput) = await _run.RunAsync("runs", "watch", "no-such-run");

        Assert.Equal(1, apiExit);
        Assert.Contains("404", apiOutput);
        Assert.Contains("no-such-run", apiOutput);
        Assert.Equal(1, storeExit);
        Assert.Contains("There is no run 'no-such-run' in the store.", storeOutput);
    }

    [Fact]
    public async Task A_bad_configuration_is_reported_against_the_users_file_before_anything_is_sent()
    {
        var config = await WriteConfigAsync(Config.Replace("top: 2", "topp: 2", StringComparison.Ordinal));

        var (remoteExit, remoteOutput) = await _run.RunAsync("optimize", config, "--api", Api, "--api-key", SiloHostFixture.Key);
        var (localExit, localOutput) = await _run.RunAsync("optimize", config);

        foreach (var (exit, output) in new[] { (remoteExit, remoteOutput), (localExit, localOutput) })
        {
            Assert.Equal(1, exit);
            Assert.Contains($"{config} line 8, key 'phases[0].topp'", output);
        }
    }

    [Fact]
    public async Task An_unreachable_api_and_a_malformed_url_are_clear_errors()
    {
        var config = await WriteConfigAsync(Config);

        var (downExit, downOutput) = await _run.RunAsync("optimize", config, "--api", $"http://127.0.0.1:{LoopbackPort.Free()}");
        var (badExit, badOutput) = await _run.RunAsync("runs", "watch", "x", "--api", "not a url");

        Assert.Equal(1, downExit);
        Assert.Contains("Could not reach the run API", downOutput);
        Assert.Equal(1, badExit);
        Assert.Contains("--api 'not a url' is not an http(s) URL", badOutput);
    }

    [Fact]
    public async Task Every_read_command_answers_through_the_api_as_it_does_from_the_store()
    {
        var (id, _) = await OptimizeOnHostAsync();
        string[] remote = ["--api", Api, "--api-key", SiloHostFixture.Key];

        string[][] commands =
        [
            ["results", "top", id, "--phase", "grid"],
            ["results", "top", id],
            ["results", "export", id, "--phase", "grid"],
            ["results", "export", id, "--phase", "grid", "--file", "trades", "--format", "json"],
            ["results", "trades", id, "--phase", "grid"],
            ["results", "trades", id, "--phase", "grid", "--portfolio", "all", "--format", "csv"],
            ["results", "equity", id, "--phase", "regime"],
            ["results", "equity", id, "--phase", "grid", "--out", "-"],
        ];
        foreach (var command in commands)
        {
            var (localExit, local) = await _run.RunAsync(command);
            var (remoteExit, far) = await _run.RunAsync([.. command, .. remote]);
            Assert.True(localExit == 0, $"{string.Join(' ', command)}: {local}");
            Assert.True(remoteExit == 0, $"{string.Join(' ', command)} --api: {far}");
            Assert.Equal(local, far);
        }

        // Parquet through the API is the stored file's rows; one portfolio's, a Parquet file of its rows only.
        var parquet = Path.Combine(_run.Folder, "remote-trades.parquet");
        var best = (await new ResultsReader(new LocalFolderStore(silo.StoreRoot)).ReadMetricsAsync(id, "grid", TestContext.Current.CancellationToken))![0].Portfolio;
        var (parquetExit, parquetOutput) = await _run.RunAsync(["results", "trades", id, "--phase", "grid", "--portfolio", best, "--out", parquet, .. remote]);
        Assert.True(parquetExit == 0, parquetOutput);
        await using (var written = File.OpenRead(parquet))
        {
            var stored = await new ResultsReader(new LocalFolderStore(silo.StoreRoot)).ReadTradesAsync(id, "grid", TestContext.Current.CancellationToken);
            Assert.Equal(stored!.Where(t => t.Portfolio == best), await PhaseParquet.ReadTradesAsync(written, parquet, TestContext.Current.CancellationToken));
        }

        // runs list and show: the run's line and its summary, either way.
        var (listExit, list) = await _run.RunAsync(["runs", "list", .. remote]);
        Assert.True(listExit == 0, list);
        Assert.Contains(list.Split('\n'), line => line.Contains(id, StringComparison.Ordinal) && line.Contains("completed", StringComparison.Ordinal));
        var (_, localShow) = await _run.RunAsync("runs", "show", id);
        var (showExit, remoteShow) = await _run.RunAsync(["runs", "show", id, .. remote]);
        Assert.True(showExit == 0, remoteShow);
        Assert.Contains($"completed, 2/2 phases", remoteShow);
        var summaryOf = (string text) => text[text.IndexOf("Choice (best of phase regime)", StringComparison.Ordinal)..];
        Assert.Equal(summaryOf(localShow), summaryOf(remoteShow));

        // The report: the stored page, or one with another heatmap; an unknown parameter is refused naming it.
        var page = Path.Combine(_run.Folder, "remote.html");
        var (reportExit, reportOutput) = await _run.RunAsync(["results", "report", id, "--out", page, .. remote]);
        Assert.True(reportExit == 0, reportOutput);
        Assert.Equal(await File.ReadAllTextAsync(Path.Combine(silo.StoreRoot, "results", id, "report.html"), TestContext.Current.CancellationToken), await File.ReadAllTextAsync(page, TestContext.Current.CancellationToken));
        var (heatExit, heatOutput) = await _run.RunAsync(["results", "report", id, "--out", page, "--x", "momentum.fast", .. remote]);
        Assert.True(heatExit == 0, heatOutput);
        var (refusedExit, refused) = await _run.RunAsync(["results", "report", id, "--out", page, "--x", "momentum.fastest", .. remote]);
        Assert.NotEqual(0, refusedExit);
        Assert.Contains("momentum.fastest", refused);
    }

    /// <summary>Runs <see cref="Config"/> with <c>optimize --api</c> on the host to its end; returns the run's id and what the CLI printed.</summary>
    private async Task<(string Id, string Output)> OptimizeOnHostAsync()
    {
        var config = await WriteConfigAsync(Config);
        var (exitCode, output) = await _run.RunAsync("optimize", config, "--api", Api, "--api-key", SiloHostFixture.Key, "--poll", "0.2");
        Assert.True(exitCode == 0, output + silo.Host.Output);
        return (RunId().Match(output).Groups["id"].Value, output);
    }

    /// <summary>An HTTP client of the host's run API, with its key.</summary>
    private HttpClient HostClient()
    {
        var http = new HttpClient { BaseAddress = silo.Host.Api };
        http.DefaultRequestHeaders.Add("X-Api-Key", SiloHostFixture.Key);
        return http;
    }

    /// <summary>Starts a run of <see cref="Config"/> on the host, as another client would; returns its id.</summary>
    private static async Task<string> StartOnHostAsync(HttpClient http)
    {
        using var started = await http.PostAsync("/api/runs", new StringContent(Config), TestContext.Current.CancellationToken);
        return (await started.Content.ReadFromJsonAsync<Abstractions.RunStatus>(Storage.Results.ResultsJson.Options, TestContext.Current.CancellationToken))!.RunId;
    }

    private async Task<string> WriteConfigAsync(string text)
    {
        var path = Path.Combine(_run.Folder, $"run-{Guid.NewGuid():N}.yaml");
        await File.WriteAllTextAsync(path, text, TestContext.Current.CancellationToken);
        return path;
    }

    [GeneratedRegex(@"Run (?<id>remote-run-[0-9]{8}-[0-9]{6}-[0-9a-f]{16}):")]
    private static partial Regex RunId();
}
