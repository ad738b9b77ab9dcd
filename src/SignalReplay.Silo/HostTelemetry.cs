using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using SignalReplay.Core.Telemetry;

namespace SignalReplay.Silo;

/// <summary>
/// OpenTelemetry for the host when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set (the standard OTEL_* variables tune it): our
/// spans (a run, its phases) and meters (<c>signalreplay.*</c>), Orleans' meter and its grain-call spans (activity
/// propagation on), and ASP.NET Core's requests, exported over OTLP. Without an endpoint nothing is collected, so a host
/// nobody watches pays nothing for it.
/// </summary>
internal static class HostTelemetry
{
    /// <summary>The activity sources the host traces: ours and Orleans' (grain calls, when propagation is on).</summary>
    public static readonly string[] Sources = [SignalReplayTelemetry.Name, "Microsoft.Orleans.Runtime", "Microsoft.Orleans.Application"];

    /// <summary>The meters the host exports: ours and Orleans'.</summary>
    public static readonly string[] Meters = [SignalReplayTelemetry.Name, "Microsoft.Orleans"];

    /// <summary>Whether an OTLP endpoint is configured.</summary>
    public static bool Enabled(IConfiguration configuration) => !string.IsNullOrWhiteSpace(configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]);

    public static void Add(WebApplicationBuilder builder)
    {
        if (!Enabled(builder.Configuration))
        {
            return;
        }

        builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(builder.Configuration["OTEL_SERVICE_NAME"] ?? "signalreplay-silo"))
            .WithTracing(tracing => tracing.AddSource(Sources).AddAspNetCoreInstrumentation())
            .WithMetrics(metrics => metrics.AddMeter(Meters).AddAspNetCoreInstrumentation())
            .UseOtlpExporter();
    }
}
