using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using SignalReplay.Core.Synthetic;
using SignalReplay.Storage.BaseData;
using SignalReplay.Storage.Objects;

namespace SignalReplay.Silo.Tests;

/// <summary>The run API on a real silo host process on loopback, with an API key configured.</summary>
public sealed class RunApiTests : IAsyncLifetime
{
    private const string Key = "test-key-0123456789";
    private readonly TempFolder _folder = new();
    private SiloHostProcess? _silo;
    private HttpClient _http = null!;

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        var storeRoot = _folder.Combine("store");
        var market = SyntheticMarket.Generate(SyntheticMarketOptions.Default with { TradingDays = 5 });
        await new BaseDatasetStore(new LocalFolderStore(storeRoot)).WriteAsync("api", market.Series, Cancel);
        _silo = await SiloHostProcess.StartAsync(storeRoot, new Dictionary<string, string> { ["SignalReplay__Api__Key"] = Key });
        _http = new HttpClient { BaseAddress = _silo.Api };
        _http.DefaultRequestHeaders.Add("X-Api-Key", Key);
    }

    public async ValueTask DisposeAsync()
    {
        _http.Dispose();
        if (_silo is not null)
        {
            await _silo.DisposeAsync();
        }

        _folder.Dispose();
    }

    private static readonly string Config = RunConfigs.Small("api-run", "api");

    [Fact]
    public async Task A_run_triggered_over_http_is_polled_to_completion_and_its_summary_read()
    {
        var started = await _http.PostAsync("/api/runs", new StringContent(Config, MediaTypeHeaderValue.Parse("application/yaml")), Cancel);
        Assert.Equal(HttpStatusCode.Accepted, started.StatusCode);
        var id = (await started.Content.ReadFromJsonAsync<JsonElement>(Cancel)).GetProperty("run_id").GetString()!;
        Assert.Equal($"/api/runs/{id}", started.Headers.Location!.OriginalString);

        var clock = Stopwatch.StartNew();
        JsonElement status;
        do
        {
            Assert.True(clock.Elapsed < TimeSpan.FromMinutes(3), "The run did not finish in 3 minutes.");
            await Task.Delay(200, Cancel);
            status = await _http.GetFromJsonAsync<JsonElement>($"/api/runs/{id}", Cancel);
        }
        while (status.GetProperty("state").GetString() == "running");

        Assert.Equal("completed", status.GetProperty("state").GetString());
        var summary = await _http.GetFromJsonAsync<JsonElement>($"/api/runs/{id}/summary", Cancel);
        Assert.Equal("regime", summary.GetProperty("choice").GetProperty("phase").GetString());
        var top = await _http.GetFromJsonAsync<JsonElement>($"/api/runs/{id}/phases/grid/top?n=2", Cancel);
        Assert.Equal(2, top.GetArrayLength());
        Assert.Equal(1, top[0].GetProperty("rank").GetInt32());
        var runs = await _http.GetFromJsonAsync<JsonElement>("/api/runs", Cancel);
        Assert.Contains(runs.EnumerateArray(), run => run.GetProperty("run_id").GetString() == id && run.GetProperty("state").GetString() == "completed");
        await PhaseFilesAreServedInEveryFormatAsync(id);

        // The report, as a page: with the key only, and a 404 naming a run that has none.
        var report = await _http.GetAsync($"/api/runs/{id}/report", Cancel);
        Assert.Equal(HttpStatusCode.OK, report.StatusCode);
        Assert.Equal("text/html", report.Content.Headers.ContentType!.MediaType);
        Assert.Contains("<h2>Choice</h2>", await report.Content.ReadAsStringAsync(Cancel), StringComparison.Ordinal);
        using var anonymous = new HttpClient { BaseAddress = _http.BaseAddress };
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync($"/api/runs/{id}/report", Cancel)).StatusCode);
        var missing = await _http.GetAsync("/api/runs/nobody-20260101-000000-0000000000000000/report", Cancel);
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Contains("has no report", await missing.Content.ReadAsStringAsync(Cancel), StringComparison.Ordinal);

        // A run that exists but has not completed has no report, with another heatmap asked for or not.
        var unfinished = "unfinished-20260101-000000-0000000000000000";
        var folder = Directory.CreateDirectory(_folder.Combine(Path.Combine("store", "results", unfinished))).FullName;
        File.Copy(_folder.Combine(Path.Combine("store", "results", id, "metadata.json")), Path.Combine(folder, "metadata.json"));
        foreach (var path in new[] { $"/api/runs/{unfinished}/report", $"/api/runs/{unfinished}/report?x=momentum.fast&y=momentum.slow" })
        {
            var early = await _http.GetAsync(path, Cancel);
            Assert.Equal(HttpStatusCode.NotFound, early.StatusCode);
            Assert.Contains("has no report", await early.Content.ReadAsStringAsync(Cancel), StringComparison.Ordinal);
        }
    }

    /// <summary>A finished run's phase files by Accept and ?format=, one portfolio's rows by ?portfolio=, and the refusals.</summary>
    private async Task PhaseFilesAreServedInEveryFormatAsync(string id)
    {
        var all = await _http.GetFromJsonAsync<JsonElement>($"/api/runs/{id}/phases/grid/top?n=10000", Cancel);
        var metrics = await _http.GetFromJsonAsync<JsonElement>($"/api/runs/{id}/phases/grid/metrics", Cancel);
        Assert.Equal(all.GetArrayLength(), metrics.GetArrayLength());
        var first = metrics[0];
        foreach (var column in new[] { "rank", "portfolio", "candidate", "score", "final_equity", "sharpe", "momentum.fast", "momentum.slow", "window_from" })
        {
            Assert.True(first.TryGetProperty(column, out _), $"metrics JSON has no '{column}': {first}");
        }


        using var csvRequest = new HttpRequestMessage(HttpMethod.Get, $"/api/runs/{id}/phases/grid/metrics");
        csvRequest.Headers.Accept.ParseAdd("text/csv");
        var csv = await _http.SendAsync(csvRequest, Cancel);
        Assert.Equal("text/csv", csv.Content.Headers.ContentType!.MediaType);
        var lines = (await csv.Content.ReadAsStringAsync(Cancel)).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(metrics.GetArrayLength() + 1, lines.Length);
        Assert.StartsWith("rank,portfolio,candidate,score,", lines[0], StringComparison.Ordinal);
        Assert.Contains(",momentum.fast,", lines[0], StringComparison.Ordinal);
        Assert.Equal(first.EnumerateObject().Count(), lines[0].Split(',').Length);

        using var parquetRequest = new HttpRequestMessage(HttpMethod.Get, $"/api/runs/{id}/phases/grid/trades");
        parquetRequest.Headers.Accept.ParseAdd("application/vnd.apache.parquet");
        var parquet = await (await _http.SendAsync(parquetRequest, Cancel)).Content.ReadAsByteArrayAsync(Cancel);
        var trades = await Storage.Results.PhaseParquet.ReadTradesAsync(new MemoryStream(parquet), "answer", Cancel);
        Assert.NotEmpty(trades);

        var best = all[0].GetProperty("portfolio").GetString()!;
        var equity = await _http.GetFromJsonAsync<JsonElement>($"/api/runs/{id}/phases/grid/equity?portfolio={Uri.EscapeDataString(best)}&format=json", Cancel);
        Assert.NotEqual(0, equity.GetArrayLength());
        Assert.All(equity.EnumerateArray(), row => Assert.Equal(best, row.GetProperty("portfolio").GetString()));
        Assert.EndsWith("Z", equity[0].GetProperty("time").GetString(), StringComparison.Ordinal);
        var oneTrades = await (await _http.GetAsync($"/api/runs/{id}/phases/grid/trades?portfolio={Uri.EscapeDataString(best)}&format=parquet", Cancel)).Content.ReadAsByteArrayAsync(Cancel);
        Assert.Equal(trades.Where(t => t.Portfolio == best), await Storage.Results.PhaseParquet.ReadTradesAsync(new MemoryStream(oneTrades), "answer", Cancel));

        using var xml = new HttpRequestMessage(HttpMethod.Get, $"/api/runs/{id}/phases/grid/metrics");
        xml.Headers.Accept.ParseAdd("application/xml");
        Assert.Equal(HttpStatusCode.NotAcceptable, (await _http.SendAsync(xml, Cancel)).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await _http.GetAsync($"/api/runs/{id}/phases/grid/metrics?format=xlsx", Cancel)).StatusCode);
        var noPhase = await _http.GetAsync($"/api/runs/{id}/phases/nosuch/metrics", Cancel);
        Assert.Equal(HttpStatusCode.NotFound, noPhase.StatusCode);
        Assert.Contains("has no metrics.parquet in phase 'nosuch'", await noPhase.Content.ReadAsStringAsync(Cancel), StringComparison.Ordinal);
        using var anonymous = new HttpClient { BaseAddress = _http.BaseAddress };
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync($"/api/runs/{id}/phases/grid/metrics", Cancel)).StatusCode);
    }

    [Fact]
    public async Task The_dashboard_answers_with_the_key_or_basic_authentication_and_refuses_without()
    {
        using var anonymous = new HttpClient { BaseAddress = _http.BaseAddress };
        var refused = await anonymous.GetAsync("/dashboard/", Cancel);
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.Equal("Basic", refused.Headers.WwwAuthenticate.Single().Scheme);

        var page = await _http.GetAsync("/dashboard/", Cancel);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains("<html", await page.Content.ReadAsStringAsync(Cancel), StringComparison.OrdinalIgnoreCase);
        using var browser = new HttpClient { BaseAddress = _http.BaseAddress };
        browser.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes($"anyone:{Key}")));
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/dashboard/", Cancel)).StatusCode);
        browser.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes("anyone:wrong")));
        Assert.Equal(HttpStatusCode.Unauthorized, (await browser.GetAsync("/dashboard/", Cancel)).StatusCode);
    }

    [Fact]
    public async Task Datasets_are_listed_and_described_with_the_key_only()
    {
        var datasets = await _http.GetFromJsonAsync<JsonElement>("/api/datasets", Cancel);
        var api = Assert.Single(datasets.EnumerateArray(), d => d.GetProperty("name").GetString() == "api");
        Assert.Contains("SYNA_1m", api.GetProperty("series").EnumerateArray().Select(s => s.GetString()));
        Assert.True(api.GetProperty("rows").GetInt64() > 0);
        Assert.True(api.GetProperty("first_ts").GetDateTimeOffset() < api.GetProperty("last_ts").GetDateTimeOffset());

        var manifest = await _http.GetFromJsonAsync<JsonElement>("/api/datasets/api", Cancel);
        Assert.Equal("api", manifest.GetProperty("dataset").GetString());
        Assert.True(manifest.GetProperty("series").GetProperty("SYNA_1m").GetProperty("rows").GetInt32() > 0);

        var missing = await _http.GetAsync("/api/datasets/nosuch", Cancel);
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Contains("There is no base dataset 'nosuch'", await missing.Content.ReadAsStringAsync(Cancel), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, (await _http.GetAsync("/api/datasets/bad%20name", Cancel)).StatusCode);
        using var anonymous = new HttpClient { BaseAddress = _http.BaseAddress };
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/api/datasets", Cancel)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/api/datasets/api", Cancel)).StatusCode);
    }

    [Fact]
    public async Task A_run_interrupted_over_http_stays_interrupted_until_resumed_then_completes()
    {
        var started = await _http.PostAsync("/api/runs", new StringContent(Config, MediaTypeHeaderValue.Parse("application/yaml")), Cancel);
        var id = (await started.Content.ReadFromJsonAsync<JsonElement>(Cancel)).GetProperty("run_id").GetString()!;

        var interrupted = await _http.PostAsync($"/api/runs/{id}/interrupt", null, Cancel);

        Assert.Equal(HttpStatusCode.OK, interrupted.StatusCode);
        var status = await interrupted.Content.ReadFromJsonAsync<JsonElement>(Cancel);
        Assert.Equal("interrupted", status.GetProperty("state").GetString());
        Assert.Equal("interrupted through the run API", status.GetProperty("error").GetString());
        await Task.Delay(500, Cancel);
        Assert.Equal("interrupted", (await _http.GetFromJsonAsync<JsonElement>($"/api/runs/{id}", Cancel)).GetProperty("state").GetString());

        var resumed = await _http.PostAsync($"/api/runs/{id}/resume", null, Cancel);
        Assert.Equal("running", (await resumed.Content.ReadFromJsonAsync<JsonElement>(Cancel)).GetProperty("state").GetString());
        var clock = Stopwatch.StartNew();
        do
        {
            Assert.True(clock.Elapsed < TimeSpan.FromMinutes(3), "The resumed run did not finish in 3 minutes.");
            await Task.Delay(200, Cancel);
            status = await _http.GetFromJsonAsync<JsonElement>($"/api/runs/{id}", Cancel);
        }
        while (status.GetProperty("state").GetString() == "running");

        Assert.Equal("completed", status.GetProperty("state").GetString());
        Assert.Equal(HttpStatusCode.OK, (await _http.GetAsync($"/api/runs/{id}/summary", Cancel)).StatusCode);
    }

    [Fact]
    public async Task Requests_without_the_key_are_refused_but_health_and_openapi_stay_open()
    {
        using var anonymous = new HttpClient { BaseAddress = _http.BaseAddress };

        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/api/runs", Cancel)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.PostAsync("/api/runs", new StringContent(Config), Cancel)).StatusCode);
        using var wrong = new HttpRequestMessage(HttpMethod.Get, "/api/runs");
        wrong.Headers.Add("X-Api-Key", "nope");
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.SendAsync(wrong, Cancel)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("/healthz", Cancel)).StatusCode);
        var openApi = await anonymous.GetFromJsonAsync<JsonElement>("/openapi/v1.json", Cancel);
        Assert.True(openApi.GetProperty("paths").TryGetProperty("/api/runs/{id}/summary", out _));
        var scheme = openApi.GetProperty("components").GetProperty("securitySchemes").GetProperty("ApiKey");
        Assert.Equal("apiKey", scheme.GetProperty("type").GetString());
        Assert.Equal("header", scheme.GetProperty("in").GetString());
        Assert.Equal("X-Api-Key", scheme.GetProperty("name").GetString());
        var start = openApi.GetProperty("paths").GetProperty("/api/runs").GetProperty("post");
        Assert.True(start.GetProperty("security")[0].TryGetProperty("ApiKey", out _));
        Assert.Equal(["202", "400", "401", "413", "429"], start.GetProperty("responses").EnumerateObject().Select(r => r.Name).Order());
        var upload = openApi.GetProperty("paths").GetProperty("/api/datasets/{name}").GetProperty("post");
        Assert.Equal(["200", "201", "400", "401", "409", "413", "415"], upload.GetProperty("responses").EnumerateObject().Select(r => r.Name).Order());
        Assert.False(openApi.GetProperty("paths").GetProperty("/healthz").GetProperty("get").TryGetProperty("security", out _));
        foreach (var path in new[] { "/api/datasets", "/api/datasets/{name}", "/api/runs/{id}/phases/{phase}/{file}" })
        {
            Assert.True(openApi.GetProperty("paths").GetProperty(path).TryGetProperty("get", out _), $"OpenAPI has no GET {path}");
        }

        // The document is valid OpenAPI, and its schemas use the API's own (snake_case) names.
        var read = await Microsoft.OpenApi.OpenApiDocument.LoadAsync(
            new MemoryStream(await anonymous.GetByteArrayAsync("/openapi/v1.json", Cancel)), "json", cancellationToken: Cancel);
        Assert.Empty(read.Diagnostic!.Errors);
        Assert.Empty(Microsoft.OpenApi.OpenApiElementExtensions.Validate(read.Document!, Microsoft.OpenApi.ValidationRuleSet.GetDefaultRuleSet()));
        var schemas = openApi.GetProperty("components").GetProperty("schemas");
        var body = start.GetProperty("requestBody").GetProperty("content");
        Assert.Equal(["application/json", "application/yaml", "text/plain"], body.EnumerateObject().Select(c => c.Name).Order());
        Assert.Equal("#/components/schemas/RunConfig", body.GetProperty("application/yaml").GetProperty("schema").GetProperty("$ref").GetString());
        var config = schemas.GetProperty("RunConfig");
        Assert.Equal(Core.Optimization.RunConfigKeys.Root, config.GetProperty("properties").EnumerateObject().Select(p => p.Name));
        Assert.Equal(Core.Optimization.RunConfigKeys.Required.Order(), config.GetProperty("required").EnumerateArray().Select(r => r.GetString()!).Order());
        Assert.False(config.GetProperty("additionalProperties").GetBoolean());
        Assert.Equal("#/components/schemas/RunConfigPhase", config.GetProperty("properties").GetProperty("phases").GetProperty("items").GetProperty("$ref").GetString());
        Assert.Equal(Core.Optimization.RunConfigKeys.Phase, schemas.GetProperty("RunConfigPhase").GetProperty("properties").EnumerateObject().Select(p => p.Name));
        Assert.Equal(Core.Optimization.RunConfigKeys.Risk, schemas.GetProperty("RunConfigRisk").GetProperty("properties").EnumerateObject().Select(p => p.Name));
        var status = schemas.GetProperty("RunStatus").GetProperty("properties");
        Assert.True(status.TryGetProperty("run_id", out _), status.ToString());
        Assert.True(status.TryGetProperty("phases_done", out _), status.ToString());
    }

    [Theory]
    [InlineData("/api/runs/..%2F..%2Fdata", HttpStatusCode.BadRequest)]
    [InlineData("/api/runs/a..%2F..%2Fb/summary", HttpStatusCode.BadRequest)]
    [InlineData("/api/runs/.hidden/summary", HttpStatusCode.BadRequest)]
    [InlineData("/api/runs/no-such-run", HttpStatusCode.NotFound)]
    [InlineData("/api/runs/no-such-run/summary", HttpStatusCode.NotFound)]
    [InlineData("/api/runs/no-such-run/phases/grid/top", HttpStatusCode.NotFound)]
    [InlineData("/api/runs/no-such-run/phases/..%2Fx/top", HttpStatusCode.BadRequest)]
    public async Task Ids_that_walk_out_or_name_nothing_are_refused(string path, HttpStatusCode expected)
    {
        Assert.Equal(expected, (await _http.GetAsync(path, Cancel)).StatusCode);
    }

    [Theory]
    [InlineData("/api/runs/no-such-run/interrupt", HttpStatusCode.NotFound)]
    [InlineData("/api/runs/no-such-run/resume", HttpStatusCode.NotFound)]
    [InlineData("/api/runs/..%2Fx/resume", HttpStatusCode.BadRequest)]
    public async Task Interrupting_or_resuming_a_run_that_is_not_there_is_refused(string path, HttpStatusCode expected)
    {
        Assert.Equal(expected, (await _http.PostAsync(path, null, Cancel)).StatusCode);
    }

    [Fact]
    public async Task A_bad_configuration_is_a_400_naming_the_key_and_line()
    {
        var response = await _http.PostAsync("/api/runs", new StringContent(Config.Replace("top: 3", "top: 3, tpo: 1", StringComparison.Ordinal)), Cancel);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var detail = (await response.Content.ReadFromJsonAsync<JsonElement>(Cancel)).GetProperty("detail").GetString();
        Assert.Contains("request body line 9, key 'phases[0].tpo'", detail);
    }

    [Fact]
    public async Task A_nesting_bomb_a_huge_grid_and_an_oversize_body_are_4xx_problems_and_the_host_lives_on()
    {
        var values = string.Join(", ", Enumerable.Range(1, 1_000));
        (string Name, string Body, HttpStatusCode Status, string Detail)[] cases =
        [
            ("nesting bomb", "name: x\ndata: " + new string('[', 50_000) + new string(']', 50_000) + "\n", HttpStatusCode.BadRequest, "nested more than 64 levels deep"),
            ("huge grid", Config.Replace("fast: [5, 10], slow: 40", $"fast: [{values}], slow: [{values}]", StringComparison.Ordinal), HttpStatusCode.BadRequest,
                "the parameter lists make 1,000,001 strategy instances; a run may generate at most 100,000"),
            ("oversize body", Config + "\n#" + new string('x', 2 << 20), HttpStatusCode.RequestEntityTooLarge, "A run configuration is at most 1,048,576 bytes"),
        ];

        foreach (var (name, body, status, detail) in cases)
        {
            var response = await _http.PostAsync("/api/runs", new StringContent(body), Cancel);

            Assert.True(status == response.StatusCode, $"{name}: {response.StatusCode}");
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            Assert.Contains(detail, (await response.Content.ReadFromJsonAsync<JsonElement>(Cancel)).GetProperty("detail").GetString());
            Assert.Equal(HttpStatusCode.OK, (await _http.GetAsync("/healthz", Cancel)).StatusCode);
        }
    }

    [Fact]
    public async Task A_csv_upload_becomes_a_base_dataset_and_a_bad_line_is_named()
    {
        const string csv = "timestamp,open,high,low,close,volume\n2024-01-02T14:30:00Z,10,11,9,10.5,100\n2024-01-02T14:31:00Z,10.5,11,10,10.8,50\n";
        using var good = new MultipartFormDataContent { { new StringContent(csv), "file", "ABC_1m.csv" } };
        var created = await _http.PostAsync("/api/datasets/uploaded", good, Cancel);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);

        using var bad = new MultipartFormDataContent { { new StringContent(csv.Replace("10.8", "x", StringComparison.Ordinal)), "file", "ABC_1m.csv" } };
        var refused = await _http.PostAsync("/api/datasets/other", bad, Cancel);
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Contains("line 3", await refused.Content.ReadAsStringAsync(Cancel));

        using var traversal = new MultipartFormDataContent { { new StringContent(csv), "file", "ABC_1m.csv" } };
        Assert.Equal(HttpStatusCode.BadRequest, (await _http.PostAsync("/api/datasets/..%2Fx", traversal, Cancel)).StatusCode);
    }
}
