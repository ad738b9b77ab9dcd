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
            .WithSummary("Upload CSV files (multipart/form-data, each named SERIES.csv, e.g. SPY_1m.csv) as base dataset {name}.")
            .DisableAntiforgery()
            .Produces<BaseDatasetManifest>(StatusCodes.Status201Created)
            .ProducesProblem(StatusCodes.Status400BadRequest);
        return api;
    }

    private static async Task<IResult> UploadAsync(string name, HttpRequest request, IObjectStore store, CancellationToken cancellationToken)
    {
        if (!DataLayout.Name.IsValid(name))
        {
            return Results.Problem($"'{name}' is not a dataset name.", statusCode: StatusCodes.Status400BadRequest);
        }

        if (!request.HasFormContentType)
        {
            return Results.Problem("Send the CSV files as multipart/form-data.", statusCode: StatusCodes.Status400BadRequest);
        }

        var form = await request.ReadFormAsync(cancellationToken);
        if (form.Files.Count == 0)
        {
            return Results.Problem("The upload holds no file.", statusCode: StatusCodes.Status400BadRequest);
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
                    throw new FormatException($"'{fileName}' is not named SERIES.csv (e.g. SPY_1m.csv).");
                }

                using var text = new StreamReader(file.OpenReadStream());
                series.Add(CsvBarReader.Read(text, fileName, SeriesId.Parse(fileName[..^4])));
            }
            catch (Exception error) when (error is MarketDataException or FormatException)
            {
                return Results.Problem(error.Message, statusCode: StatusCodes.Status400BadRequest, title: "Bad upload");
            }
        }

        var manifest = await new BaseDatasetStore(store).WriteAsync(name, series, cancellationToken);
        return Results.Created($"/api/datasets/{name}", manifest);
    }
}
