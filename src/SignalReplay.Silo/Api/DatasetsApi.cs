using Microsoft.AspNetCore.Http.Features;
using SignalReplay.Core.Data;
using SignalReplay.Storage;
using SignalReplay.Storage.BaseData;
using SignalReplay.Storage.Objects;

namespace SignalReplay.Silo.Api;

/// <summary>
/// <c>POST /api/datasets/{name}</c>: CSV files (multipart, one per series, named SERIES.csv) become a base dataset;
/// <c>GET /api/datasets</c> lists the store's datasets and <c>GET /api/datasets/{name}</c> answers one's manifest.
/// </summary>
public static class DatasetsApi
{
    public static RouteGroupBuilder MapDatasets(this RouteGroupBuilder api)
    {
        api.MapGet("/datasets", ListAsync)
            .WithTags("datasets")
            .WithSummary("The store's base datasets, by name: how many series each holds, their bars and time span.")
            .Produces<DatasetListItem[]>();
        api.MapGet("/datasets/{name}", ManifestAsync)
            .WithTags("datasets")
            .WithSummary("A base dataset's manifest: each series' timeframe, rows, first and last bar and content hash.")
            .Produces<BaseDatasetManifest>()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound);
        api.MapPost("/datasets/{name}", UploadAsync)
            .WithTags("datasets")
            .WithSummary("Upload CSV files (multipart/form-data, each named SERIES.csv, e.g. SPY_1m.csv) as base dataset {name}: 201 when series were added, 200 when it held them already.")
            .DisableAntiforgery()
            .Produces<BaseDatasetManifest>(StatusCodes.Status201Created)
            .Produces<BaseDatasetManifest>(StatusCodes.Status200OK)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType);
        return api;
    }

    private static async Task<IResult> ListAsync(IObjectStore store, CancellationToken cancellationToken)
    {
        var datasets = new BaseDatasetStore(store);
        var items = new List<DatasetListItem>();
        foreach (var name in await datasets.DatasetsAsync(cancellationToken))
        {
            if (await datasets.ReadManifestAsync(name, cancellationToken) is { } manifest)
            {
                items.Add(DatasetListItem.Of(manifest));
            }
        }

        return Results.Ok(items);
    }

    private static async Task<IResult> ManifestAsync(string name, IObjectStore store, CancellationToken cancellationToken)
    {
        if (!DataLayout.Name.IsValid(name))
        {
            return Problem(StatusCodes.Status400BadRequest, "Bad dataset name", $"'{Shown(name)}' is not a dataset name: use 1 to {DataLayout.Name.MaxLength} letters, digits, '-', '_' or '.'.");
        }

        return await new BaseDatasetStore(store).ReadManifestAsync(name, cancellationToken) is { } manifest
            ? Results.Ok(manifest)
            : Problem(StatusCodes.Status404NotFound, "No such dataset", $"There is no base dataset '{name}'.");
    }

    private static async Task<IResult> UploadAsync(string name, HttpRequest request, IObjectStore store, ApiLimits limits, CancellationToken cancellationToken)
    {
        if (!DataLayout.Name.IsValid(name))
        {
            return Problem(StatusCodes.Status400BadRequest, "Bad dataset name", $"'{Shown(name)}' is not a dataset name: use 1 to {DataLayout.Name.MaxLength} letters, digits, '-', '_' or '.'.");
        }

        if (!request.HasFormContentType)
        {
            return Problem(StatusCodes.Status415UnsupportedMediaType, "Not a form upload", "Send the CSV files as multipart/form-data.");
        }

        var tooLarge = Problem(StatusCodes.Status413PayloadTooLarge, "Upload too large", $"An upload is at most {limits.MaxUploadBytes:N0} bytes (SignalReplay:Limits:MaxUploadBytes).");
        if (request.ContentLength > limits.MaxUploadBytes)
        {
            return tooLarge;
        }

        if (request.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } bodySize)
        {
            bodySize.MaxRequestBodySize = limits.MaxUploadBytes;
        }

        IFormCollection form;
        try
        {
            form = await request.ReadFormAsync(new FormOptions { MultipartBodyLengthLimit = limits.MaxUploadBytes }, cancellationToken);
        }
        catch (BadHttpRequestException error) when (error.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return tooLarge;
        }
        catch (InvalidDataException error) when (error.Message.Contains("limit", StringComparison.OrdinalIgnoreCase))
        {
            return tooLarge;
        }
        catch (Exception error) when (error is InvalidDataException or IOException or BadHttpRequestException)
        {
            return Problem(StatusCodes.Status400BadRequest, "Broken multipart body", $"The multipart/form-data body cannot be read: {error.Message}");
        }

        if (form.Files.Count == 0)
        {
            return Problem(StatusCodes.Status400BadRequest, "Bad upload", "The upload holds no file.");
        }

        // Every file is read and validated before anything is written: a bad line leaves the store as it was.
        var series = new List<BarSeries>();
        foreach (var file in form.Files)
        {
            var fileName = Path.GetFileName(file.FileName);
            try
            {
                if (!fileName.EndsWith(".csv", StringComparison.OrdinalIgnoreCase))
                {
                    throw new FormatException($"'{Shown(fileName)}' is not named SERIES.csv (e.g. SPY_1m.csv).");
                }

                using var text = new StreamReader(file.OpenReadStream());
                series.Add(CsvBarReader.Read(text, fileName, SeriesId.Parse(fileName[..^4])));
            }
            catch (Exception error) when (error is MarketDataException or FormatException)
            {
                return Problem(StatusCodes.Status400BadRequest, "Bad upload", error.Message);
            }
        }

        try
        {
            var written = await new BaseDatasetStore(store).AddAsync(name, series, cancellationToken);
            return written.Changed ? Results.Created($"/api/datasets/{name}", written.Manifest) : Results.Ok(written.Manifest);
        }
        catch (DatasetConflictException error)
        {
            return Problem(StatusCodes.Status409Conflict, "Conflicts with the dataset", error.Message);
        }
        catch (ArgumentException error)
        {
            // Two files of one series, or a series without bars.
            return Problem(StatusCodes.Status400BadRequest, "Bad upload", error.Message);
        }
    }

    private static IResult Problem(int status, string title, string detail) => Results.Problem(detail, statusCode: status, title: title);

    /// <summary>A name from the request as an error shows it: never more than 80 characters.</summary>
    internal static string Shown(string text) => text.Length <= 80 ? text : $"{text[..80]}... ({text.Length:N0} characters)";
}

/// <summary>One line of <c>GET /api/datasets</c>: a dataset's series, bars in all, and the span its series cover.</summary>
public sealed record DatasetListItem(string Name, IReadOnlyList<string> Series, long Rows, DateTimeOffset? FirstTs, DateTimeOffset? LastTs, string ContentHash)
{
    public static DatasetListItem Of(BaseDatasetManifest manifest) => new(
        manifest.Dataset,
        [.. manifest.Series.Keys],
        manifest.Series.Values.Sum(entry => (long)entry.Rows),
        manifest.Series.Count == 0 ? null : manifest.Series.Values.Min(entry => entry.FirstTs),
        manifest.Series.Count == 0 ? null : manifest.Series.Values.Max(entry => entry.LastTs),
        manifest.ContentHash);
}
