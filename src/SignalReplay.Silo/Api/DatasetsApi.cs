using Microsoft.AspNetCore.Http.Features;
using SignalReplay.Core.Data;
using SignalReplay.Storage;
using SignalReplay.Storage.BaseData;
using SignalReplay.Storage.Objects;

namespace SignalReplay.Silo.Api;

/// <summary><c>POST /api/datasets/{name}</c>: CSV files (multipart, one per series, named SERIES.csv) become a base dataset.</summary>
public static class DatasetsApi
{
    public static RouteGroupBuilder MapDatasets(this RouteGroupBuilder api)
    {
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
