using SignalReplay.Grains;
using SignalReplay.Storage.Objects;

var builder = WebApplication.CreateBuilder(args);

// The embedded default: one silo on localhost and a local folder store. The store can be pointed
// elsewhere with configuration (SignalReplay__Store__Kind=AzureBlob, ...__AzureServiceUri=...);
// the Azure profile with Redis clustering comes with the deployment.
var store = builder.Configuration.GetSection("SignalReplay:Store").Get<ObjectStoreOptions>()
    ?? ObjectStoreOptions.LocalFolder(Path.Combine(".signalreplay", "store"));
builder.UseOrleans(silo => silo
    .UseLocalhostClustering()
    .AddSignalReplay(options => options.Store = store));

var app = builder.Build();
app.MapGet("/healthz", () => Results.Ok(new { status = "ok" }));
app.Run();
