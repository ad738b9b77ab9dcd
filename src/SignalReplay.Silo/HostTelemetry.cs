using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using SignalReplay.Core.Telemetry;

namespace SignalReplay.Silo;

/// <summary>
/// OpenTelemetry for the host: our spans (a run, its phases) and meters (<c>signalreplay.*</c>), Orleans' own meter and
/// activity sources, and ASP.NET Core's requests; exported over OTLP when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set
/// (the standard OTEL_* variables tune it), and collected for nobody otherwise.
/// </summary>
internal static class HostTelemetry
{
    /// <summary>The activity sources the host traces: ours and Orleans' (grain calls, when propagation is on).</summary>
    public static readonly string[] Sources = [SignalReplayTelemetry.Name, "Microsoft.Orleans.Runtime", "Microsoft.Orleans.Application"];

    /// <summary>The meters the host exports: ours and Orleans'.</summary>
    public static readonly string[] Meters = [SignalReplayTelemetry.Name, "Microsoft.Orleans"];

    public static void Add(WebApplicationBuilder builder)
    {
        var telemetry = builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(builder.Configuration["OTEL_SERVICE_NAME"] ?? "signalreplay-silo"))
            .WithTracing(tracing => tracing.AddSource(Sources).AddAspNetCoreInstrumentation())
            .WithMetrics(metrics => metrics.AddMeter(Meters).AddAspNetCoreInstrumentation());
        if (!string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]))
        {
            telemetry.UseOtlpExporter();
        }
    }
}
