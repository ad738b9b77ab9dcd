using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using SignalReplay.Abstractions;
using SignalReplay.Storage.Results;

namespace SignalReplay.Cli;

/// <summary>
/// The CLI as a client of a silo host's run API (SPEC 10): start a run, follow its status, read its
/// summary. Refusals come back as the server's own problem detail (bad configuration with line and
/// key, wrong API key, unknown run), so the user sees what to fix.
/// </summary>
internal sealed class RunApiClient : IDisposable
{
    /// <summary>The API's naming is the files' (snake_case, undefined numbers null).</summary>
    private static readonly JsonSerializerOptions Json = ResultsJson.Compact;

    private readonly HttpClient _http;

    public RunApiClient(string baseUrl, string? apiKey)
    {
        if (!Uri.TryCreate(baseUrl, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
        {
            throw new ArgumentException($"--api '{baseUrl}' is not an http(s) URL, e.g. https://signalreplay.example.net.");
        }

        _http = new HttpClient { BaseAddress = uri, Timeout = TimeSpan.FromSeconds(100) };
        if (!string.IsNullOrEmpty(apiKey))
        {
            _http.DefaultRequestHeaders.Add("X-Api-Key", apiKey);
        }
    }

    public Uri BaseAddress => _http.BaseAddress!;

    public async Task<RunStatus> StartAsync(string configText, CancellationToken cancellationToken)
    {
        using var body = new StringContent(configText, Encoding.UTF8, "application/yaml");
        using var response = await SendAsync(() => _http.PostAsync("api/runs", body, cancellationToken));
        return await ReadAsync<RunStatus>(response, "start a run", cancellationToken);
    }

    public async Task<RunStatus> StatusAsync(string runId, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(() => _http.GetAsync($"api/runs/{Uri.EscapeDataString(runId)}", cancellationToken));
        return await ReadAsync<RunStatus>(response, $"read run '{runId}'", cancellationToken);
    }

    /// <summary>POSTs <paramref name="action"/> (<c>interrupt</c> or <c>resume</c>) to a run.</summary>
    public async Task<RunStatus> ActAsync(string runId, string action, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(() => _http.PostAsync($"api/runs/{Uri.EscapeDataString(runId)}/{action}", content: null, cancellationToken));
        return await ReadAsync<RunStatus>(response, $"{action} run '{runId}'", cancellationToken);
    }

    public async Task<RunSummary> SummaryAsync(string runId, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(() => _http.GetAsync($"api/runs/{Uri.EscapeDataString(runId)}/summary", cancellationToken));
        return await ReadAsync<RunSummary>(response, $"read the summary of run '{runId}'", cancellationToken);
    }

    /// <summary>A page of the host's runs, newest first, and the URL of the next page (its Link header), or null on the last.</summary>
    public async Task<(IReadOnlyList<RunListItem> Runs, string? Next)> ListAsync(string? page, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(() => _http.GetAsync(page ?? "api/runs?limit=1000", cancellationToken));
        var runs = await ReadAsync<RunListItem[]>(response, "list runs", cancellationToken);
        var next = response.Headers.TryGetValues("Link", out var links)
            ? links.Select(link => System.Text.RegularExpressions.Regex.Match(link, "^<(?<url>[^>]+)>;\\s*rel=\"next\"")).FirstOrDefault(m => m.Success)?.Groups["url"].Value.TrimStart('/')
            : null;
        return (runs, next);
    }

    /// <summary>The <paramref name="n"/> best rows of a phase's metrics, in rank order.</summary>
    public async Task<IReadOnlyList<MetricsRow>> TopAsync(string runId, string phase, int n, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(() => _http.GetAsync($"{RunPath(runId)}/phases/{Uri.EscapeDataString(phase)}/top?n={n}", cancellationToken));
        return await ReadAsync<MetricsRow[]>(response, $"read phase '{phase}' of run '{runId}'", cancellationToken);
    }

    /// <summary>A phase file as Parquet (only <paramref name="portfolio"/>'s rows when given), or null when the phase has none.</summary>
    public async Task<Stream?> PhaseFileAsync(string runId, string phase, PhaseFile file, string? portfolio, CancellationToken cancellationToken)
    {
        var url = $"{RunPath(runId)}/phases/{Uri.EscapeDataString(phase)}/{file.ToString().ToLowerInvariant()}?format=parquet"
            + (portfolio is null ? string.Empty : $"&portfolio={Uri.EscapeDataString(portfolio)}");
        using var response = await SendAsync(() => _http.GetAsync(url, cancellationToken));
        return response.StatusCode == HttpStatusCode.NotFound
            ? null
            : new MemoryStream(await ReadBytesAsync(response, $"read {file.ToString().ToLowerInvariant()}.parquet of phase '{phase}' of run '{runId}'", cancellationToken), writable: false);
    }

    /// <summary>A run's report page: the stored one, or one made with the heatmap over <paramref name="x"/> and <paramref name="y"/>.</summary>
    public async Task<byte[]> ReportAsync(string runId, string? x, string? y, CancellationToken cancellationToken)
    {
        var query = string.Join('&', new[] { ("x", x), ("y", y) }.Where(p => p.Item2 is not null).Select(p => $"{p.Item1}={Uri.EscapeDataString(p.Item2!)}"));
        using var response = await SendAsync(() => _http.GetAsync($"{RunPath(runId)}/report{(query.Length > 0 ? "?" + query : string.Empty)}", cancellationToken));
        return await ReadBytesAsync(response, $"read the report of run '{runId}'", cancellationToken);
    }

    public void Dispose() => _http.Dispose();

    private static string RunPath(string runId) => $"api/runs/{Uri.EscapeDataString(runId)}";

    private async Task<byte[]> ReadBytesAsync(HttpResponseMessage response, string what, CancellationToken cancellationToken)
    {
        if (response.IsSuccessStatusCode)
        {
            return await response.Content.ReadAsByteArrayAsync(cancellationToken);
        }

        throw await RefusalAsync(response, what, cancellationToken);
    }

    private async Task<HttpResponseMessage> SendAsync(Func<Task<HttpResponseMessage>> send)
    {
        try
        {
            return await send();
        }
        catch (HttpRequestException error)
        {
            throw new ArgumentException($"Could not reach the run API at {BaseAddress}: {error.Message}", error);
        }
    }

    private async Task<T> ReadAsync<T>(HttpResponseMessage response, string what, CancellationToken cancellationToken)
    {
        if (response.IsSuccessStatusCode)
        {
            return await response.Content.ReadFromJsonAsync<T>(Json, cancellationToken)
                ?? throw new InvalidOperationException($"{BaseAddress} answered {what} with an empty body.");
        }

        throw await RefusalAsync(response, what, cancellationToken);
    }

    private async Task<ArgumentException> RefusalAsync(HttpResponseMessage response, string what, CancellationToken cancellationToken)
    {
        var detail = await ProblemDetailAsync(response, cancellationToken);
        var reason = response.StatusCode == HttpStatusCode.Unauthorized
            ? "the API key is missing or wrong (--api-key, or SIGNALREPLAY_API_KEY)"
            : detail;
        return new ArgumentException($"{BaseAddress} refused to {what}: {(int)response.StatusCode} {response.ReasonPhrase}: {reason}");
    }

    private static async Task<string> ProblemDetailAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        try
        {
            using var problem = JsonDocument.Parse(text);
            return problem.RootElement.TryGetProperty("detail", out var detail) && detail.GetString() is { } message ? message : text;
        }
        catch (JsonException)
        {
            return text;
        }
    }
}
