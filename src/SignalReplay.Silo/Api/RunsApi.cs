using SignalReplay.Abstractions;
using SignalReplay.Core.Optimization;
using SignalReplay.Grains.Optimization;
using SignalReplay.Storage;
using SignalReplay.Storage.Objects;
using SignalReplay.Storage.Results;

namespace SignalReplay.Silo.Api;

/// <summary>The run API of SPEC 10: start optimization runs, follow them, read their summary and leaderboards.</summary>
public static class RunsApi
{
    public static RouteGroupBuilder MapRuns(this RouteGroupBuilder api)
    {
        var runs = api.MapGroup("/runs").WithTags("runs");
        runs.MapPost("/", StartAsync)
            .WithSummary("Start an optimization run from a run configuration (YAML or JSON body); 202 with its id.")
            .Accepts<string>("application/yaml", "application/json", "text/plain")
            .Produces<RunStatus>(StatusCodes.Status202Accepted)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status429TooManyRequests);
        runs.MapGet("/", ListAsync)
            .WithSummary("The store's runs, newest first, a page of `limit` (1 to 1000, default 100) at a time; a Link header (rel=\"next\") gives the next page's URL.")
            .Produces<RunListItem[]>()
            .ProducesProblem(StatusCodes.Status400BadRequest);
        runs.MapGet("/{id}", StatusAsync).WithSummary("A run's status.").Produces<RunStatus>().ProducesProblem(StatusCodes.Status404NotFound);
        runs.MapPost("/{id}/interrupt", InterruptAsync)
            .WithSummary("Stop a running run where it stands (state 'interrupted'): finished phases are kept; resume continues it. 409 when another live process owns it.")
            .Produces<RunStatus>().ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        runs.MapPost("/{id}/resume", ResumeAsync)
            .WithSummary("Continue an interrupted run (or one whose owner died) from its first unfinished phase. 409 while another live process owns it.")
            .Produces<RunStatus>().ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        runs.MapGet("/{id}/summary", SummaryAsync).WithSummary("A finished run's summary.json.").Produces<RunSummary>().ProducesProblem(StatusCodes.Status404NotFound);
        runs.MapGet("/{id}/report", ReportAsync).WithSummary("A completed run's report.html: one self-contained page (no script, nothing fetched); ?x= and ?y= (e.g. momentum.fast) draw the grid heatmap over other parameters.").Produces<string>(contentType: "text/html").ProducesProblem(StatusCodes.Status404NotFound);
        runs.MapGet("/{id}/phases/{phase}/top", TopAsync).WithSummary("The n best portfolios of a phase (metrics.parquet rows).").Produces<MetricsRow[]>().ProducesProblem(StatusCodes.Status404NotFound);
        runs.MapGet("/{id}/phases/{phase}/{file:regex(^(metrics|trades|equity)$)}", PhaseFileAsync)
            .WithSummary(
                "A phase's metrics.parquet, trades.parquet or equity.parquet with every column: as JSON (an array of objects, the default), CSV or the Parquet file, "
                + "chosen by Accept (application/json, text/csv, application/vnd.apache.parquet) or ?format=json|csv|parquet; ?portfolio=ID keeps one portfolio's rows.")
            .Produces<IReadOnlyDictionary<string, object>[]>(contentType: "application/json")
            .Produces<string>(contentType: "text/csv")
            .Produces<byte[]>(contentType: "application/vnd.apache.parquet")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status406NotAcceptable);
        return api;
    }

    /// <summary>A run configuration lists alternatives; the largest example is 12 KB.</summary>
    public const int MaxConfigBytes = 1 << 20;

    private static async Task<IResult> StartAsync(HttpRequest request, IGrainFactory grains, RunConfigLimits limits, RunAdmission admission)
    {
        if (await ReadBoundedAsync(request, MaxConfigBytes) is not { } text)
        {
            return Results.Problem(
                $"A run configuration is at most {MaxConfigBytes:N0} bytes.", statusCode: StatusCodes.Status413PayloadTooLarge, title: "Run configuration too large");
        }

        RunConfig config;
        try
        {
            config = RunConfigReader.Parse(text, "request body", limits);
            TopologyBuilder.Grid(config);
        }
        catch (Exception error) when (error is RunConfigException or ArgumentException)
        {
            return Results.Problem(error.Message, statusCode: StatusCodes.Status400BadRequest, title: "Bad run configuration");
        }

        var id = RunIds.New(config.Name);
        if (!admission.TryAdmit(id))
        {
            request.HttpContext.Response.Headers.RetryAfter = ((int)RunAdmission.RetryAfter.TotalSeconds).ToString(System.Globalization.CultureInfo.InvariantCulture);
            return Results.Problem(
                $"This host runs at most {admission.Limit} runs at once (SignalReplay:Limits:MaxConcurrentRuns) and all are running: try again in {RunAdmission.RetryAfter.TotalSeconds:0} s.",
                statusCode: StatusCodes.Status429TooManyRequests,
                title: "Too many runs");
        }

        try
        {
            var status = await grains.GetGrain<ISequencerGrain>(id).StartAsync(new RunRequest(text, "request body"));
            return Results.Accepted($"/api/runs/{id}", status);
        }
        catch
        {
            admission.Release(id);
            throw;
        }
    }

    /// <summary>The body as UTF-8 text, or null when it is longer than <paramref name="limit"/> bytes (read no further).</summary>
    private static async Task<string?> ReadBoundedAsync(HttpRequest request, int limit)
    {
        if (request.ContentLength > limit)
        {
            return null;
        }

        using var buffer = new MemoryStream();
        var chunk = new byte[81_920];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, request.HttpContext.RequestAborted)) > 0)
        {
            if (buffer.Length + read > limit)
            {
                return null;
            }

            buffer.Write(chunk, 0, read);
        }

        return System.Text.Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }

    private static async Task<IResult> ListAsync(HttpContext http, RunListing listing, int? limit, string? after)
    {
        if (limit is < 1 or > 1_000)
        {
            return Results.Problem("limit must be from 1 to 1000.", statusCode: StatusCodes.Status400BadRequest);
        }

        if (after is not null && !ObjectKey.TryParse(RunIndex.Prefix + after, out _))
        {
            return Results.Problem("after is not a cursor this API gave out (a Link header's).", statusCode: StatusCodes.Status400BadRequest);
        }

        var page = await listing.PageAsync(limit ?? 100, after);
        if (page.Next is { } next)
        {
            http.Response.Headers.Link = $"</api/runs?limit={limit ?? 100}&after={Uri.EscapeDataString(next)}>; rel=\"next\"";
        }

        return Results.Ok(page.Runs.Select(RunListItem.Of));
    }

    private static async Task<IResult> StatusAsync(string id, IGrainFactory grains)
    {
        if (Invalid(id) is { } invalid)
        {
            return invalid;
        }

        var status = await grains.GetGrain<ISequencerGrain>(id).GetStatusAsync();
        return status.State == RunState.Unknown ? NotFound($"There is no run '{id}'.") : Results.Ok(status);
    }

    private static Task<IResult> InterruptAsync(string id, IGrainFactory grains) =>
        OnRunAsync(id, grains, sequencer => sequencer.InterruptAsync("interrupted through the run API"));

    private static Task<IResult> ResumeAsync(string id, IGrainFactory grains) =>
        OnRunAsync(id, grains, sequencer => sequencer.ResumeAsync());

    /// <summary>Acts on an existing run (a run id that names nothing is a 404, and no run is created for it).</summary>
    private static async Task<IResult> OnRunAsync(string id, IGrainFactory grains, Func<ISequencerGrain, Task<RunStatus>> act)
    {
        if (Invalid(id) is { } invalid)
        {
            return invalid;
        }

        var sequencer = grains.GetGrain<ISequencerGrain>(id);
        if ((await sequencer.GetStatusAsync()).State == RunState.Unknown)
        {
            return NotFound($"There is no run '{id}'.");
        }

        try
        {
            return Results.Ok(await act(sequencer));
        }
        catch (RunOwnedElsewhereException error)
        {
            return Results.Problem(error.Message, statusCode: StatusCodes.Status409Conflict, title: "Owned by another process");
        }
    }

    private static async Task<IResult> SummaryAsync(string id, IObjectStore store, CancellationToken cancellationToken)
    {
        if (Invalid(id) is { } invalid)
        {
            return invalid;
        }

        var summary = await new ResultsReader(store).ReadSummaryAsync(id, cancellationToken);
        return summary is null ? NotFound($"Run '{id}' has no summary: it does not exist or has not finished.") : Results.Ok(summary);
    }

    private static async Task<IResult> ReportAsync(string id, string? x, string? y, IObjectStore store, CancellationToken cancellationToken)
    {
        if (Invalid(id) is { } invalid)
        {
            return invalid;
        }

        if (x is not null || y is not null)
        {
            // Another heatmap than the stored report's: made for this answer, the stored one left as it is.
            if (await new ResultsReader(store).ReadMetadataAsync(id, cancellationToken) is not { } metadata)
            {
                return NotFound($"There is no run '{id}'.");
            }

            if (!await store.ExistsAsync(ResultsLayout.Summary(id), cancellationToken))
            {
                return NotFound($"Run '{id}' has no report: it has not completed.");
            }

            try
            {
                return Results.Text(await new ResultsWriter(store).BuildReportAsync(id, metadata, x, y, cancellationToken), "text/html; charset=utf-8");
            }
            catch (ArgumentException error)
            {
                return Results.Problem(error.Message, statusCode: StatusCodes.Status400BadRequest, title: "Bad report request");
            }
        }

        var key = ResultsLayout.Report(id);
        return await store.ExistsAsync(key, cancellationToken)
            ? Results.Bytes(await store.ReadAllBytesAsync(key, cancellationToken), "text/html; charset=utf-8")
            : NotFound($"Run '{id}' has no report: it does not exist or has not completed.");
    }

    private static async Task<IResult> TopAsync(string id, string phase, int? n, IObjectStore store, CancellationToken cancellationToken)
    {
        if (Invalid(id) is { } invalid)
        {
            return invalid;
        }

        if (!ResultsLayout.IsValidPhase(phase))
        {
            return Results.Problem($"'{phase}' is not a phase name.", statusCode: StatusCodes.Status400BadRequest);
        }

        if (n is < 1 or > 10_000)
        {
            return Results.Problem("n must be from 1 to 10000.", statusCode: StatusCodes.Status400BadRequest);
        }

        var rows = await new ResultsReader(store).ReadMetricsAsync(id, phase, cancellationToken);
        return rows is null ? NotFound($"Run '{id}' has no phase '{phase}' (yet).") : Results.Ok(rows.Take(n ?? 10));
    }

    private static async Task<IResult> PhaseFileAsync(
        string id, string phase, string file, string? format, string? portfolio, HttpRequest request, IObjectStore store, CancellationToken cancellationToken)
    {
        if (Invalid(id) is { } invalid)
        {
            return invalid;
        }

        if (!ResultsLayout.IsValidPhase(phase))
        {
            return Results.Problem($"'{phase}' is not a phase name.", statusCode: StatusCodes.Status400BadRequest);
        }

        TableFormat chosen;
        if (format is not null)
        {
            if (!Enum.TryParse(format, ignoreCase: true, out chosen) || !Enum.IsDefined(chosen))
            {
                return Results.Problem($"format '{format}' is not one of json, csv, parquet.", statusCode: StatusCodes.Status400BadRequest);
            }
        }
        else if (Negotiate(request.GetTypedHeaders().Accept) is { } accepted)
        {
            chosen = accepted;
        }
        else
        {
            return Results.Problem(
                $"None of Accept '{request.Headers.Accept}' is served: ask for application/json, text/csv or application/vnd.apache.parquet.",
                statusCode: StatusCodes.Status406NotAcceptable);
        }

        var kind = Enum.Parse<PhaseFile>(file, ignoreCase: true);
        if (await new ResultsReader(store).OpenAsync(id, phase, kind, cancellationToken) is not { } input)
        {
            return NotFound($"Run '{id}' has no {file}.parquet in phase '{phase}' (no such run or phase, not written yet, or past its retention).");
        }

        var source = PhaseFileExport.Key(id, phase, kind).Value;
        return Results.Stream(
            async output =>
            {
                await using (input)
                {
                    await PhaseFileExport.WriteAsync(input, source, chosen, output, portfolio, cancellationToken);
                }
            },
            PhaseFileExport.MediaType(chosen) + (chosen == TableFormat.Parquet ? string.Empty : "; charset=utf-8"));
    }

    /// <summary>The format an Accept header asks for first (by quality, then order); JSON when it asks for nothing in particular.</summary>
    private static TableFormat? Negotiate(IList<Microsoft.Net.Http.Headers.MediaTypeHeaderValue> accept)
    {
        if (accept.Count == 0)
        {
            return TableFormat.Json;
        }

        foreach (var media in accept.OrderByDescending(value => value.Quality ?? 1))
        {
            var type = media.MediaType.Value?.ToLowerInvariant();
            TableFormat? format = type switch
            {
                "application/json" or "*/*" or "application/*" => TableFormat.Json,
                "text/csv" or "text/*" => TableFormat.Csv,
                "application/vnd.apache.parquet" or "application/x-parquet" or "application/octet-stream" => TableFormat.Parquet,
                _ => null,
            };
            if (format is not null && media.Quality is not 0)
            {
                return format;
            }
        }

        return null;
    }

    /// <summary>400 for an id that could walk out of the results folder or is otherwise malformed.</summary>
    private static IResult? Invalid(string id) =>
        DataLayout.Name.IsValid(id) ? null : Results.Problem($"'{id}' is not a run id.", statusCode: StatusCodes.Status400BadRequest);

    private static IResult NotFound(string detail) => Results.Problem(detail, statusCode: StatusCodes.Status404NotFound);
}
