using Orleans.Dashboard;
using System.Text.Json.Serialization;
using SignalReplay.Silo;
using SignalReplay.Silo.Api;
using SignalReplay.Storage.Results;

if (HostHelp.Asked(args))
{
    Console.WriteLine(HostHelp.Text);
    return;
}

var builder = WebApplication.CreateBuilder(args);

// Localhost clustering and the local folder store unless configured otherwise
// (SignalReplay__Clustering=Redis, SignalReplay__Store__Kind=AzureBlob, ...: see SiloSettings).
var settings = SiloSettings.Read(builder.Configuration);
// Plugins first: the silo's grains make deciders by name from the process's registry.
foreach (var plugin in SignalReplay.Core.Generation.PluginLoader.Load(settings.Plugins, SignalReplay.Core.Generation.DeciderRegistry.Default))
{
    Console.WriteLine($"Loaded plugin {plugin.Origin} with {string.Join(", ", plugin.Plugins)}");
}

builder.UseOrleans(silo =>
{
    settings.Apply(silo);
    silo.AddDashboard();
    if (HostTelemetry.Enabled(builder.Configuration))
    {
        // Grain calls as spans under the run's, when someone collects them.
        silo.AddActivityPropagation();
    }
});
HostTelemetry.Add(builder);

// The Redis providers log every retry attempt of Polly's at Information: those stay below unless they fail.
builder.Logging.AddFilter("Polly", LogLevel.Warning);
builder.Services.AddSingleton(settings.Limits).AddSingleton(settings.Api);
builder.Services.AddSingleton(settings).AddHostedService<RunIndexBackfill>().AddHostedService<RunResumer>();
builder.Services.AddSingleton<RunListing>();
builder.Services.AddSingleton<RunAdmission>().AddHostedService(services => services.GetRequiredService<RunAdmission>());
builder.Services.AddOpenApi(options =>
{
    ApiDocument.Describe(options, keyRequired: settings.ApiKey is not null);
    RunConfigSchema.Describe(options);
});

// Every error answer is an RFC 7807 problem: the API's own, a body Kestrel refused, and anything unforeseen.
builder.Services.AddProblemDetails();

// One JSON naming, the files' own: snake_case names, an undefined metric null and an infinite one "Infinity", as in summary.json.
builder.Services.ConfigureHttpJsonOptions(options =>
{
    options.SerializerOptions.PropertyNamingPolicy = ResultsJson.Options.PropertyNamingPolicy;
    options.SerializerOptions.DictionaryKeyPolicy = null;
    options.SerializerOptions.NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals;
    options.SerializerOptions.Converters.Add(new UndefinedAsNull());
});

var app = builder.Build();
app.UseExceptionHandler(new ExceptionHandlerOptions
{
    StatusCodeSelector = error => error is BadHttpRequestException bad ? bad.StatusCode : StatusCodes.Status500InternalServerError,
});
app.UseStatusCodePages();
app.MapGet("/healthz", () => Results.Ok(new { status = "ok" })).WithTags("health");
app.MapOpenApi(); // GET /openapi/v1.json
app.MapGroup("/api")
    .AddEndpointFilter(new ApiKeyFilter(settings.ApiKey))
    .MapRuns()
    .MapDatasets();
app.MapOrleansDashboard(routePrefix: "/dashboard")
    .AddEndpointFilter(new ApiKeyFilter(settings.ApiKey, basicRealm: "SignalReplay dashboard"))
    .ExcludeFromDescription();
app.Run();
