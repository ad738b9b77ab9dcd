namespace SignalReplay.Silo;

/// <summary><c>SignalReplay.Silo --help</c>: what the host reads and where, printed instead of starting a silo.</summary>
internal static class HostHelp
{
    public static bool Asked(string[] args) => args.Any(arg => arg is "--help" or "-h" or "-?" or "/?");

    public static string Text { get; } = $"""
        SignalReplay silo host: an Orleans silo, the object store and the HTTP API (/api, /openapi/v1.json, /healthz, /dashboard) in one process.

        Usage: SignalReplay.Silo [--urls http://0.0.0.0:8080] [--Key=Value ...]

        Every setting is read from appsettings.json, environment variables (SignalReplay__Store__Kind=AzureBlob)
        or command-line arguments (--SignalReplay:Store:Kind=AzureBlob), in that order of precedence from last to first.

        Clustering
          SignalReplay:Clustering                 Localhost (default: one silo, in-memory reminders) or Redis
          SignalReplay:Redis:ConnectionString     StackExchange.Redis configuration; required with Redis
          SignalReplay:ClusterId                  the cluster's id (default signalreplay)
          SignalReplay:SiloPort                   silo-to-silo port (default 11111)
          SignalReplay:GatewayPort                client gateway port (default 30000)
          SignalReplay:AdvertisedAddress          the IP address peers reach this silo at (default: the first non-loopback IPv4)

        Store
          SignalReplay:Store:Kind                 LocalFolder (default) or AzureBlob
          SignalReplay:Store:LocalRoot            LocalFolder: the folder (default .signalreplay/store)
          SignalReplay:Store:AzureConnectionString  AzureBlob: a connection string (Azurite), or
          SignalReplay:Store:AzureServiceUri      AzureBlob: the account's blob endpoint, signed in with its managed identity
          SignalReplay:Store:Container            AzureBlob: the container (default signalreplay)

        API
          --urls / ASPNETCORE_URLS                where the API listens (default http://localhost:5000)
          SignalReplay:Api:Key                    when set (at least {SiloSettings.MinApiKeyLength} characters), /api and /dashboard need it:
                                                  the X-Api-Key header, or Basic authentication with it as the password
          SignalReplay:Limits:MaxUploadBytes      largest dataset upload (default {ApiLimits.Default.MaxUploadBytes:N0})
          SignalReplay:Limits:MaxConcurrentRuns   runs started through the API that run at once (default {ApiLimits.Default.MaxConcurrentRuns})
          SignalReplay:Limits:MaxConfigurations   portfolios one run may ask for
          SignalReplay:Limits:MaxStrategyInstances  strategy instances one run may ask for

        Replay and plugins
          SignalReplay:Replay:ShardSize, ShardsInFlight, ShardPlacement, MaxBatchesInFlight, RowsPerBatch
          SignalReplay:Plugins                    plugin .dll files or folders, separated by ';'

        Telemetry and logs
          OTEL_EXPORTER_OTLP_ENDPOINT             when set, traces (a span per run and phase, grain calls) and metrics (Orleans' and
                                                  signalreplay.*) go there over OTLP; OTEL_EXPORTER_OTLP_PROTOCOL, OTEL_SERVICE_NAME as usual
          Logging__Console__FormatterName         json for one JSON object per log line (the container's default), simple otherwise
        """;
}
