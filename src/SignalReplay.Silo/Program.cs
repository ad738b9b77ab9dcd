var builder = WebApplication.CreateBuilder(args);

// The embedded default: one silo on localhost. The Azure profile (Redis clustering) comes with the deployment.
builder.UseOrleans(silo => silo.UseLocalhostClustering());

var app = builder.Build();
app.MapGet("/healthz", () => Results.Ok(new { status = "ok" }));
app.Run();
