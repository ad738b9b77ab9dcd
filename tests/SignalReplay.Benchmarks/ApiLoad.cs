using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using SignalReplay.Core.Synthetic;
using SignalReplay.Storage.BaseData;
using SignalReplay.Storage.Objects;
using SignalReplay.Storage.Results;
using SignalReplay.TestSupport;

namespace SignalReplay.Benchmarks;

/// <summary>
/// The bounded load of BENCHMARKS.md on a real silo host process on loopback (count- and time-limited): 200
/// concurrent <c>GET /api/runs</c> on a store of 1,000 runs, five rounds, with their latency quantiles; then 50
/// concurrent submissions of one run configuration by clients that wait out 429s as Retry-After says, until all
/// complete, with the host's resident memory (VmRSS, peak VmHWM) before, at the end and after a quiet minute.
/// </summary>
internal static class ApiLoad
{
    private const int StoredRuns = 1_000;
    private const int Listers = 200;
    private const int Rounds = 5;
    private const int Submissions = 50;
    private static readonly TimeSpan Deadline = TimeSpan.FromMinutes(10);

    private static readonly string Config = RunConfigs.Small("load", "load");

    public static async Task RunAsync()
    {
        using var folder = new TempFolder();
        var root = folder.Combine("store");
        var store = new LocalFolderStore(root);
        var market = SyntheticMarket.Generate(SyntheticMarketOptions.Default with { TradingDays = 5 });
        await new BaseDatasetStore(store).WriteAsync("load", market.Series);
        var writer = new ResultsWriter(store);
        var start = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
        for (var i = 0; i < StoredRuns; i++)
        {
            var created = start.AddMinutes(i);
            await writer.WriteMetadataAsync($"stored-{i:D4}", new RunMetadata(
                2, $"stored-{i:D4}", "stored", "completed", Config, null, "load", new Dictionary<string, string>(), created, created, created.AddSeconds(3), [], null, null, null));
        }

        await using var host = await SiloHostProcess.StartAsync(root);
        using var http = new HttpClient { BaseAddress = host.Api, Timeout = TimeSpan.FromMinutes(2) };
        var idle = Memory(host.ProcessId);
        Console.WriteLine($"Host pid {host.ProcessId}, store of {StoredRuns:N0} runs; idle RSS {idle.Rss / 1_048_576.0:F0} MiB.");

        var latencies = new List<double>();
        var statuses = new Dictionary<HttpStatusCode, int>();
        for (var round = 0; round < Rounds; round++)
        {
            var results = await Task.WhenAll(Enumerable.Range(0, Listers).Select(async _ =>
            {
                var clock = Stopwatch.StartNew();
                using var response = await http.GetAsync("/api/runs");
                var count = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetArrayLength();
                return (response.StatusCode, count, clock.Elapsed.TotalMilliseconds);
            }));
            foreach (var (status, count, ms) in results)
            {
                statuses[status] = statuses.GetValueOrDefault(status) + 1;
                latencies.Add(ms);
                if (status != HttpStatusCode.OK || count != 100)
                {
                    throw new InvalidOperationException($"GET /api/runs gave {status} with {count} runs.");
                }
            }
        }

        latencies.Sort();
        Console.WriteLine(
            $"GET /api/runs x {Listers} concurrent x {Rounds} rounds: median {Quantile(latencies, 0.5):F0} ms, p95 {Quantile(latencies, 0.95):F0} ms, "
            + $"p99 {Quantile(latencies, 0.99):F0} ms, max {latencies[^1]:F0} ms; all {string.Join(", ", statuses.Select(s => $"{(int)s.Key} x {s.Value}"))}.");

        var deadline = Stopwatch.StartNew();
        var refusals = 0;
        var ids = await Task.WhenAll(Enumerable.Range(0, Submissions).Select(async _ =>
        {
            while (true)
            {
                using var response = await http.PostAsync("/api/runs", new StringContent(Config));
                if (response.StatusCode == HttpStatusCode.Accepted)
                {
                    return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("run_id").GetString()!;
                }

                if (response.StatusCode != HttpStatusCode.TooManyRequests || deadline.Elapsed > Deadline)
                {
                    throw new InvalidOperationException($"POST /api/runs gave {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
                }

                Interlocked.Increment(ref refusals);
                await Task.Delay(response.Headers.RetryAfter?.Delta ?? TimeSpan.FromSeconds(5));
            }
        }));
        var peakDuring = 0L;
        foreach (var id in ids)
        {
            while ((await http.GetFromJsonAsync<JsonElement>($"/api/runs/{id}")).GetProperty("state").GetString() == "running")
            {
                peakDuring = Math.Max(peakDuring, Memory(host.ProcessId).Rss);
                if (deadline.Elapsed > Deadline)
                {
                    throw new TimeoutException($"Run {id} did not finish within {Deadline.TotalMinutes} minutes.");
                }

                await Task.Delay(200);
            }
        }

        var elapsed = deadline.Elapsed;
        var reader = new ResultsReader(store);
        var summaries = new HashSet<string>(StringComparer.Ordinal);
        foreach (var id in ids)
        {
            var metadata = await reader.ReadMetadataAsync(id) ?? throw new InvalidOperationException($"Run {id} has no metadata.");
            if (metadata.Status != "completed")
            {
                throw new InvalidOperationException($"Run {id} ended {metadata.Status}: {metadata.Error}");
            }

            summaries.Add(JsonSerializer.Serialize((await reader.ReadSummaryAsync(id))! with { Workflow = "" }, ResultsJson.Options));
        }

        var end = Memory(host.ProcessId);
        await Task.Delay(TimeSpan.FromMinutes(1));
        var quiet = Memory(host.ProcessId);
        Console.WriteLine(
            $"{Submissions} concurrent submissions, at most 4 running (MaxConcurrentRuns): all completed in {elapsed.TotalSeconds:F1} s after {refusals} 429s; "
            + $"{summaries.Count} distinct summary (excluding the run id).");
        Console.WriteLine(
            $"Host RSS: idle {idle.Rss / 1_048_576.0:F0} MiB, highest seen while runs ran {peakDuring / 1_048_576.0:F0} MiB, peak (VmHWM) {end.Peak / 1_048_576.0:F0} MiB, "
            + $"at the end {end.Rss / 1_048_576.0:F0} MiB, after a quiet minute {quiet.Rss / 1_048_576.0:F0} MiB.");
        if (summaries.Count != 1)
        {
            throw new InvalidOperationException($"The {Submissions} runs wrote {summaries.Count} different summaries.");
        }
    }

    private static double Quantile(List<double> sorted, double q) => sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(q * sorted.Count) - 1)];

    /// <summary>The process's resident set and its peak, from /proc (Linux).</summary>
    private static (long Rss, long Peak) Memory(int pid)
    {
        long Kb(string line) => long.Parse(line.Split(':', 2)[1].Trim().Split(' ')[0], CultureInfo.InvariantCulture) * 1024;
        var lines = File.ReadAllLines($"/proc/{pid}/status");
        return (Kb(lines.First(l => l.StartsWith("VmRSS:", StringComparison.Ordinal))), Kb(lines.First(l => l.StartsWith("VmHWM:", StringComparison.Ordinal))));
    }
}
