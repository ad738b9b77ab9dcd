using System.Text.Json.Serialization;
using SignalReplay.Silo;
using SignalReplay.Silo.Api;

var builder = WebApplication.CreateBuilder(args);

// Localhost clustering and the local folder store unless configured otherwise
// (SignalReplay__Clustering=Redis, SignalReplay__Store__Kind=AzureBlob, ...: see SiloSettings).
var settings = SiloSettings.Read(builder.Configuration);
builder.UseOrleans(settings.Apply);
builder.Services.AddSingleton(settings.Limits);
builder.Services.AddOpenApi();

// Metrics can be infinite (a profit factor without losses): written as "Infinity", as in summary.json.
builder.Services.ConfigureHttpJsonOptions(options => options.SerializerOptions.NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals);

var app = builder.Build();
app.MapGet("/healthz", () => Results.Ok(new { status = "ok" })).WithTags("health");
app.MapOpenApi(); // GET /openapi/v1.json
app.MapGroup("/api")
    .AddEndpointFilter(new ApiKeyFilter(settings.ApiKey))
    .MapRuns()
    .MapDatasets();
app.Run();
