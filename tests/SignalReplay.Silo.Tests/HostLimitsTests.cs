using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using SignalReplay.Core.Data;
using SignalReplay.Core.Synthetic;
using SignalReplay.Storage.BaseData;
using SignalReplay.Storage.Objects;
using SignalReplay.Storage.Results;

namespace SignalReplay.Silo.Tests;

/// <summary>
/// One silo host process on loopback, without an API key, whose limits are small enough to reach: uploads of at
/// most 64 KiB and one run at a time. Its store holds 250 indexed runs and one written before the run index.
/// </summary>
public sealed class LimitedHostFixture : IAsyncLifetime
{
    public const int UploadLimit = 65_536;
    public const int IndexedRuns = 250;
    public const string LegacyRun = "legacy-run-20200101-000000-0000";
    private readonly TempFolder _folder = new();
    private SiloHostProcess? _host;

    public HttpClient Http { get; private set; } = null!;

    public IObjectStore Store => new LocalFolderStore(StoreRoot);

    public string StoreRoot => _folder.Combine("store");

    /// <summary>The ids of the runs the store held before the host started.</summary>
    public IReadOnlyList<string> StoredRuns { get; private set; } = [];

    public async ValueTask InitializeAsync()
    {
        var market = SyntheticMarket.Generate(SyntheticMarketOptions.Default with { TradingDays = 5 });
        await new BaseDatasetStore(Store).WriteAsync("api", market.Series);
        var writer = new ResultsWriter(Store);
        var start = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
        var runs = new List<string>();
        for (var i = 0; i < IndexedRuns; i++)
        {
            var id = $"stored-{i:D3}";
            await writer.WriteMetadataAsync(id, Metadata(id, start.AddMinutes(i)));
            runs.Add(id);
        }

        // A run from before the run index: only its metadata.json. The host adds it to the index at start.
        await Store.PutBytesAsync(ResultsLayout.Metadata(LegacyRun), JsonSerializer.SerializeToUtf8Bytes(Metadata(LegacyRun, start.AddDays(-1)), ResultsJson.Options));
        StoredRuns = [.. runs, LegacyRun];

        _host = await SiloHostProcess.StartAsync(StoreRoot, new Dictionary<string, string>
        {
            ["SignalReplay__Limits__MaxUploadBytes"] = UploadLimit.ToString(CultureInfo.InvariantCulture),
            ["SignalReplay__Limits__MaxConcurrentRuns"] = "1",
        });
        Http = new HttpClient { BaseAddress = _host.Api };
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        if (_host is not null)
        {
            await _host.DisposeAsync();
        }

        _folder.Dispose();
    }

    private static RunMetadata Metadata(string id, DateTimeOffset created) => new(
        2, id, "stored", "completed", "name: stored", null, "api", new Dictionary<string, string>(), created, created, created.AddSeconds(5), [], null, null, null);
}

/// <summary>The run API at its limits and under races, on a real host process: every refusal a 4xx problem, the host alive after each.</summary>
public sealed class HostLimitsTests(LimitedHostFixture host) : IClassFixture<LimitedHostFixture>
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private HttpClient Http => host.Http;

    private static string Csv(int rows, double offset) =>
        "timestamp,open,high,low,close,volume\n" + string.Concat(Enumerable.Range(0, rows).Select(i =>
        {
            var close = (100 + offset + (i * 0.01)).ToString("0.00", CultureInfo.InvariantCulture);
            return $"{new DateTimeOffset(2024, 1, 2, 14, 30, 0, TimeSpan.Zero).AddMinutes(i):yyyy-MM-ddTHH:mm:ssZ},{close},{close},{close},{close},10\n";
        }));

    private static MultipartFormDataContent Upload(params (string FileName, string Csv)[] files)
    {
        var form = new MultipartFormDataContent();
        foreach (var (fileName, csv) in files)
        {
            form.Add(new StringContent(csv), "file", fileName);
        }

        return form;
    }

    private async Task AssertProblemAsync(HttpResponseMessage response, HttpStatusCode status, string detail, string what)
    {
        Assert.True(status == response.StatusCode, $"{what}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(Cancel)}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>(Cancel);
        Assert.Contains(detail, body.GetProperty("detail").GetString());
        Assert.Equal((int)status, body.GetProperty("status").GetInt32());
        Assert.Equal(HttpStatusCode.OK, (await Http.GetAsync("/healthz", Cancel)).StatusCode);
    }

    [Fact]
    public async Task Oversize_broken_and_conflicting_uploads_are_4xx_problems_and_the_host_lives_on()
    {
        using (var first = Upload(("KEEP_1m.csv", Csv(20, 0))))
        {
            Assert.Equal(HttpStatusCode.Created, (await Http.PostAsync("/api/datasets/uploads", first, Cancel)).StatusCode);
        }

        using (var again = Upload(("KEEP_1m.csv", Csv(20, 0))))
        {
            Assert.Equal(HttpStatusCode.OK, (await Http.PostAsync("/api/datasets/uploads", again, Cancel)).StatusCode);
        }

        var big = Csv(2_000, 0); // ~100 KB
        using (var sized = Upload(("BIG_1m.csv", big)))
        {
            await AssertProblemAsync(await Http.PostAsync("/api/datasets/uploads", sized, Cancel), HttpStatusCode.RequestEntityTooLarge, "An upload is at most 65,536 bytes", "oversize upload");
        }

        // Without a Content-Length (chunked), the body is cut off where it passes the limit.
        using (var chunked = new MultipartFormDataContent { { new StreamContent(new UnseekableStream(Encoding.UTF8.GetBytes(big))), "file", "BIG_1m.csv" } })
        {
            await AssertProblemAsync(await Http.PostAsync("/api/datasets/uploads", chunked, Cancel), HttpStatusCode.RequestEntityTooLarge, "An upload is at most 65,536 bytes", "chunked oversize upload");
        }

        using (var unterminated = new StringContent("--xyz\r\nContent-Disposition: form-data; name=\"file\"; filename=\"A_1m.csv\"\r\n\r\ntimestamp,open", Encoding.UTF8))
        {
            unterminated.Headers.ContentType = MediaTypeHeaderValue.Parse("multipart/form-data; boundary=xyz");
            await AssertProblemAsync(await Http.PostAsync("/api/datasets/uploads", unterminated, Cancel), HttpStatusCode.BadRequest, "The multipart/form-data body cannot be read", "unterminated multipart");
        }

        using (var noBoundary = new StringContent("whatever", Encoding.UTF8))
        {
            noBoundary.Headers.ContentType = MediaTypeHeaderValue.Parse("multipart/form-data");
            await AssertProblemAsync(await Http.PostAsync("/api/datasets/uploads", noBoundary, Cancel), HttpStatusCode.BadRequest, "The multipart/form-data body cannot be read", "multipart without a boundary");
        }

        using (var twice = Upload(("TWO_1m.csv", Csv(5, 0)), ("TWO_1m.csv", Csv(5, 1))))
        {
            await AssertProblemAsync(await Http.PostAsync("/api/datasets/uploads", twice, Cancel), HttpStatusCode.BadRequest, "series TWO_1m is given more than once", "two files of one series");
        }

        using (var other = Upload(("KEEP_1m.csv", Csv(20, 5))))
        {
            await AssertProblemAsync(await Http.PostAsync("/api/datasets/uploads", other, Cancel), HttpStatusCode.Conflict, "already holds KEEP_1m with other bars", "other bars for a series");
        }

        using (var plain = new StringContent(Csv(3, 0)))
        {
            await AssertProblemAsync(await Http.PostAsync("/api/datasets/uploads", plain, Cancel), HttpStatusCode.UnsupportedMediaType, "Send the CSV files as multipart/form-data", "not a form");
        }

        var longName = new string('d', 5_000);
        using (var named = Upload(("X_1m.csv", Csv(3, 0))))
        {
            var response = await Http.PostAsync($"/api/datasets/{longName}", named, Cancel);
            await AssertProblemAsync(response, HttpStatusCode.BadRequest, "(5,000 characters)' is not a dataset name", "a 5,000-character name");
        }

        // Nothing refused reached the dataset: it holds the one series of the first upload.
        var manifest = await new BaseDatasetStore(host.Store).ReadManifestAsync("uploads", Cancel);
        Assert.Equal(["KEEP_1m"], manifest!.Series.Keys);
    }

    [Fact]
    public async Task Eight_concurrent_uploads_of_one_new_series_give_one_201_and_409s_and_never_a_mismatched_pair()
    {
        var datasets = new BaseDatasetStore(host.Store);
        for (var round = 0; round < 20; round++)
        {
            var series = $"R{round:D2}_1m";
            var csvs = Enumerable.Range(0, 8).Select(uploader => Csv(200, uploader)).ToArray();
            var responses = await Task.WhenAll(csvs.Select(async csv =>
            {
                using var form = Upload(($"{series}.csv", csv));
                return await Http.PostAsync("/api/datasets/race", form, Cancel);
            }));

            var statuses = responses.Select(r => r.StatusCode).ToList();
            Assert.True(statuses.Count(s => s == HttpStatusCode.Created) == 1, $"round {round}: {string.Join(", ", statuses)}");
            Assert.True(statuses.Count(s => s == HttpStatusCode.Conflict) == 7, $"round {round}: {string.Join(", ", statuses)}");
            foreach (var refused in responses.Where(r => r.StatusCode == HttpStatusCode.Conflict))
            {
                Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
            }

            // The file and its manifest entry are the winner's, and read back whole.
            var winner = csvs[statuses.IndexOf(HttpStatusCode.Created)];
            var expected = CsvBarReader.Read(new StringReader(winner), $"{series}.csv", SeriesId.Parse(series));
            var stored = await datasets.ReadSeriesAsync("race", SeriesId.Parse(series), Cancel);
            Assert.Equal(expected.ContentHash(), stored.ContentHash());
        }

        Assert.Equal(20, (await datasets.ReadManifestAsync("race", Cancel))!.Series.Count);
    }

    [Fact]
    public async Task A_run_beyond_the_concurrency_limit_is_a_429_with_retry_after_until_the_running_one_ends()
    {
        const string config = """
            name: limited
            data: { dataset: api, series: [SYNA_1m], batch_window: 1d }
            strategies:
              - { name: momentum, series: SYNA_1m, params: { fast: [5, 10], slow: 40 } }
            phases:
              - { name: grid, kind: grid, top: 3 }
            """;
        var first = await Http.PostAsync("/api/runs", new StringContent(config), Cancel);
        Assert.Equal(HttpStatusCode.Accepted, first.StatusCode);
        var id = (await first.Content.ReadFromJsonAsync<JsonElement>(Cancel)).GetProperty("run_id").GetString()!;

        var refused = await Http.PostAsync("/api/runs", new StringContent(config), Cancel);

        await AssertProblemAsync(refused, HttpStatusCode.TooManyRequests, "This host runs at most 1 runs at once (SignalReplay:Limits:MaxConcurrentRuns)", "second run");
        Assert.Equal(TimeSpan.FromSeconds(5), refused.Headers.RetryAfter?.Delta);

        var clock = Stopwatch.StartNew();
        while ((await Http.GetFromJsonAsync<JsonElement>($"/api/runs/{id}", Cancel)).GetProperty("state").GetString() == "running")
        {
            Assert.True(clock.Elapsed < TimeSpan.FromMinutes(3), "The first run did not finish in 3 minutes.");
            await Task.Delay(200, Cancel);
        }

        // Its slot is free within a few of the host's one-second looks.
        HttpResponseMessage next;
        clock.Restart();
        while ((next = await Http.PostAsync("/api/runs", new StringContent(config), Cancel)).StatusCode == HttpStatusCode.TooManyRequests)
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), "The finished run's slot was not freed in 30 s.");
            await Task.Delay(250, Cancel);
        }

        Assert.Equal(HttpStatusCode.Accepted, next.StatusCode);
    }

    [Fact]
    public async Task Runs_are_listed_from_the_run_index_newest_first_a_page_at_a_time_older_runs_included()
    {
        var seen = new List<JsonElement>();
        var pages = 0;
        for (var url = "/api/runs?limit=100"; url is not null; pages++)
        {
            var response = await Http.GetAsync(url, Cancel);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var page = await response.Content.ReadFromJsonAsync<JsonElement>(Cancel);
            Assert.InRange(page.GetArrayLength(), 1, 100);
            seen.AddRange(page.EnumerateArray());
            url = response.Headers.TryGetValues("Link", out var links)
                ? System.Text.RegularExpressions.Regex.Match(links.Single(), "^<(?<url>[^>]+)>; rel=\"next\"$").Groups["url"].Value
                : null;
        }

        var ids = seen.Select(run => run.GetProperty("run_id").GetString()!).ToList();
        Assert.Equal(ids.Count, ids.Distinct().Count());
        Assert.Subset(ids.ToHashSet(), host.StoredRuns.ToHashSet());
        Assert.True(pages >= 3, $"{pages} pages");
        var created = seen.Select(run => run.GetProperty("created_at").GetDateTimeOffset()).ToList();
        Assert.Equal(created.OrderDescending(), created);
        Assert.Equal(LimitedHostFixture.LegacyRun, ids[^1]); // the oldest
        await AssertProblemAsync(await Http.GetAsync("/api/runs?limit=0", Cancel), HttpStatusCode.BadRequest, "limit must be from 1 to 1000", "limit 0");
    }

    /// <summary>A stream without a length, so HttpClient sends it chunked.</summary>
    private sealed class UnseekableStream(byte[] bytes) : MemoryStream(bytes)
    {
        public override bool CanSeek => false;
    }
}
