using SignalReplay.Silo;

var builder = WebApplication.CreateBuilder(args);

// Localhost clustering and the local folder store unless configured otherwise
// (SignalReplay__Clustering=Redis, SignalReplay__Store__Kind=AzureBlob, ...: see SiloSettings).
var settings = SiloSettings.Read(builder.Configuration);
builder.UseOrleans(settings.Apply);

var app = builder.Build();
app.MapGet("/healthz", () => Results.Ok(new { status = "ok" }));
app.Run();
