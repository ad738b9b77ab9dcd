using System.Net;
using System.Net.Sockets;
using Orleans.Configuration;
using SignalReplay.Core.Optimization;
using SignalReplay.Grains;
using SignalReplay.Storage.Objects;
using StackExchange.Redis;

namespace SignalReplay.Silo;

/// <summary>How silos find each other: one silo on localhost (embedded default) or a Redis membership table.</summary>
public enum ClusteringKind
{
    Localhost,
    Redis,
}

/// <summary>
/// The silo's configuration, section <c>SignalReplay</c>: clustering and store are chosen separately
/// (the Azure deployment sets Redis and AzureBlob through environment variables), read once and
/// validated at start with errors that name the key.
/// </summary>
public sealed record SiloSettings
{
    public ClusteringKind Clustering { get; init; } = ClusteringKind.Localhost;

    /// <summary>StackExchange.Redis configuration string, required for Redis clustering.</summary>
    public string? RedisConnectionString { get; init; }

    public string ClusterId { get; init; } = "signalreplay";

    /// <summary>Who continues this host's runs when their owner dies: the silos of its cluster, and its own restarts.</summary>
    public string LeaseGroup => $"host/{ClusterId}";

    public int SiloPort { get; init; } = 11111;

    public int GatewayPort { get; init; } = 30000;

    /// <summary>The address peers reach this silo at; by default the host's first non-loopback IPv4 address.</summary>
    public IPAddress? AdvertisedAddress { get; init; }

    public ObjectStoreOptions Store { get; init; } = ObjectStoreOptions.LocalFolder(Path.Combine(".signalreplay", "store"));

    /// <summary>
    /// When set (<c>SignalReplay:Api:Key</c>, at least <see cref="MinApiKeyLength"/> characters, as the Bicep
    /// parameter requires), /api requests must carry it in the X-Api-Key header.
    /// </summary>
    public string? ApiKey { get; init; }

    /// <summary>The shortest API key the host starts with.</summary>
    public const int MinApiKeyLength = 16;

    /// <summary>
    /// Replay tuning from <c>SignalReplay:Replay</c> (<c>ShardSize</c>, <c>ShardsInFlight</c>, <c>ShardPlacement</c>,
    /// <c>MaxBatchesInFlight</c>, <c>RowsPerBatch</c>); what is not set keeps the measured defaults.
    /// </summary>
    public SignalReplayOptions Replay { get; init; } = new();

    /// <summary>What one run submitted to the API may ask for (<c>SignalReplay:Limits:MaxConfigurations</c>, <c>MaxStrategyInstances</c>).</summary>
    public RunConfigLimits Limits { get; init; } = RunConfigLimits.Default;

    /// <summary>What the API takes in at once (<c>SignalReplay:Limits:MaxUploadBytes</c>, <c>MaxConcurrentRuns</c>).</summary>
    public ApiLimits Api { get; init; } = ApiLimits.Default;

    /// <summary>
    /// Plugin assemblies or folders every silo loads at start (<c>SignalReplay:Plugins</c>, paths separated by ';'), so runs may use
    /// their strategies, classifiers and features; in the container, a folder published with the image or mounted into it.
    /// </summary>
    public IReadOnlyList<string> Plugins { get; init; } = [];

    public static SiloSettings Read(IConfiguration configuration)
    {
        var section = configuration.GetSection("SignalReplay");
        var clusteringText = section["Clustering"];
        var clustering = ClusteringKind.Localhost;
        if (clusteringText is not null && !Enum.TryParse(clusteringText, ignoreCase: true, out clustering))
        {
            throw new ArgumentException($"SignalReplay:Clustering is '{clusteringText}'; it must be Localhost or Redis.");
        }

        var settings = new SiloSettings
        {
            Clustering = clustering,
            RedisConnectionString = section["Redis:ConnectionString"],
            ClusterId = section["ClusterId"] ?? "signalreplay",
            SiloPort = section.GetValue("SiloPort", 11111),
            GatewayPort = section.GetValue("GatewayPort", 30000),
            AdvertisedAddress = section["AdvertisedAddress"] is { } address
                ? IPAddress.TryParse(address, out var parsed) ? parsed : throw new ArgumentException($"SignalReplay:AdvertisedAddress '{address}' is not an IP address.")
                : null,
            Store = section.GetSection("Store").Get<ObjectStoreOptions>() ?? ObjectStoreOptions.LocalFolder(Path.Combine(".signalreplay", "store")),
            ApiKey = string.IsNullOrEmpty(section["Api:Key"]) ? null : section["Api:Key"],
            Replay = ReadReplay(section.GetSection("Replay")),
            Limits = ReadLimits(section.GetSection("Limits")),
            Api = ReadApiLimits(section.GetSection("Limits")),
            Plugins = section["Plugins"] is { Length: > 0 } plugins ? [.. plugins.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)] : [],
        };
        if (settings.ApiKey is { Length: < MinApiKeyLength } key)
        {
            throw new ArgumentException($"SignalReplay:Api:Key has {key.Length} character(s); an API key must have at least {MinApiKeyLength}.");
        }

        if (clustering == ClusteringKind.Redis && string.IsNullOrWhiteSpace(settings.RedisConnectionString))
        {
            throw new ArgumentException("SignalReplay:Redis:ConnectionString is required when SignalReplay:Clustering is Redis.");
        }

        settings.Store.Validate();
        foreach (var plugin in settings.Plugins.Where(p => !File.Exists(p) && !Directory.Exists(p)))
        {
            throw new ArgumentException($"SignalReplay:Plugins names {plugin}, which is neither a file nor a folder.");
        }

        return settings;
    }

    public void Apply(ISiloBuilder silo)
    {
        if (Clustering == ClusteringKind.Localhost)
        {
            silo.UseLocalhostClustering(SiloPort, GatewayPort).UseInMemoryReminderService();
        }
        else
        {
            var redis = ConfigurationOptions.Parse(RedisConnectionString!);
            silo.UseRedisClustering(options => options.ConfigurationOptions = redis)
                .UseRedisReminderService(options => options.ConfigurationOptions = redis)
                .Configure<ClusterOptions>(options => (options.ClusterId, options.ServiceId) = (ClusterId, "signalreplay"))
                // Peers reach a silo at its own address: in a VNet-integrated Container Apps environment,
                // the replica's IP in the subnet.
                .ConfigureEndpoints(AdvertisedAddress ?? HostAddress(), SiloPort, GatewayPort, listenOnAnyHostAddress: true);
        }

        silo.AddSignalReplay(options =>
        {
            options.Store = Store;
            // A host's restart, and the other silos of its cluster, continue its runs (RunResumer).
            options.LeaseGroup = LeaseGroup;
            options.ShardSize = Replay.ShardSize;
            options.ShardsInFlight = Replay.ShardsInFlight;
            options.ShardPlacement = Replay.ShardPlacement;
            options.MaxBatchesInFlight = Replay.MaxBatchesInFlight;
            options.RowsPerBatch = Replay.RowsPerBatch;
            options.Limits = Limits;
        });
    }

    private static readonly string[] ReplayKeys =
        [nameof(SignalReplayOptions.ShardSize), nameof(SignalReplayOptions.ShardsInFlight), nameof(SignalReplayOptions.ShardPlacement),
         nameof(SignalReplayOptions.MaxBatchesInFlight), nameof(SignalReplayOptions.RowsPerBatch)];

    private static readonly string[] LimitKeys =
        [nameof(RunConfigLimits.MaxConfigurations), nameof(RunConfigLimits.MaxStrategyInstances), nameof(ApiLimits.MaxUploadBytes), nameof(ApiLimits.MaxConcurrentRuns)];

    private static RunConfigLimits ReadLimits(IConfigurationSection section)
    {
        if (section.GetChildren().FirstOrDefault(child => !LimitKeys.Contains(child.Key, StringComparer.OrdinalIgnoreCase)) is { } unknown)
        {
            throw new ArgumentException($"{unknown.Path} is not a limit; they are {string.Join(", ", LimitKeys)}.");
        }

        var defaults = RunConfigLimits.Default;
        return new RunConfigLimits(
            ReadWhole(section, nameof(RunConfigLimits.MaxConfigurations), defaults.MaxConfigurations, int.MaxValue),
            ReadWhole(section, nameof(RunConfigLimits.MaxStrategyInstances), defaults.MaxStrategyInstances, int.MaxValue));
    }

    private static ApiLimits ReadApiLimits(IConfigurationSection section)
    {
        var defaults = ApiLimits.Default;
        return new ApiLimits(
            ReadWhole(section, nameof(ApiLimits.MaxUploadBytes), defaults.MaxUploadBytes, long.MaxValue),
            (int)ReadWhole(section, nameof(ApiLimits.MaxConcurrentRuns), defaults.MaxConcurrentRuns, 1_000));
    }

    private static long ReadWhole(IConfigurationSection section, string key, long fallback, long maximum) => section[key] is not { } text ? fallback
        : long.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var value) && value >= 1 && value <= maximum
            ? value
            : throw new ArgumentException($"{section.Path}:{key} is '{text}'; it must be a whole number from 1 to {maximum:N0}.");

    private static SignalReplayOptions ReadReplay(IConfigurationSection section)
    {
        if (section.GetChildren().FirstOrDefault(child => !ReplayKeys.Contains(child.Key, StringComparer.OrdinalIgnoreCase)) is { } unknown)
        {
            throw new ArgumentException($"{unknown.Path} is not a replay setting; they are {string.Join(", ", ReplayKeys)}.");
        }

        var replay = new SignalReplayOptions();
        try
        {
            section.Bind(replay);
            replay.Validate();
        }
        catch (InvalidOperationException error)
        {
            throw new ArgumentException($"{section.Path}: {error.Message}", error);
        }
        catch (ArgumentOutOfRangeException error)
        {
            throw new ArgumentException($"{section.Path}:{error.ParamName} cannot be {error.ActualValue}.", error);
        }

        return replay;
    }

    private static IPAddress HostAddress() =>
        Dns.GetHostAddresses(Dns.GetHostName()).FirstOrDefault(address => address.AddressFamily == AddressFamily.InterNetwork && !IPAddress.IsLoopback(address))
        ?? IPAddress.Loopback;
}

/// <summary>
/// What the run API takes in at once: an upload's bytes (larger ones get a 413 before they are read) and the runs
/// started through it that may be running together (beyond that, a 429 with Retry-After).
/// </summary>
public sealed record ApiLimits(long MaxUploadBytes, int MaxConcurrentRuns)
{
    /// <summary>256 MiB of CSV (about 4 million minute bars); 4 runs, two per core of the machines we deploy to.</summary>
    public static ApiLimits Default { get; } = new(256L << 20, 4);
}
