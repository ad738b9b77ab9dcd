using SignalReplay.Storage.Objects;

namespace SignalReplay.Silo.Tests;

public sealed class SiloSettingsTests
{
    private static SiloSettings Read(params (string Key, string Value)[] values) =>
        SiloSettings.Read(new ConfigurationBuilder().AddInMemoryCollection(values.Select(v => KeyValuePair.Create(v.Key, (string?)v.Value))).Build());

    [Fact]
    public void With_nothing_configured_a_silo_is_embedded_on_localhost_with_the_local_store()
    {
        var settings = Read();

        Assert.Equal(ClusteringKind.Localhost, settings.Clustering);
        Assert.Equal(ObjectStoreKind.LocalFolder, settings.Store.Kind);
    }

    [Fact]
    public void The_azure_settings_select_redis_clustering_and_the_blob_store()
    {
        var settings = Read(
            ("SignalReplay:Clustering", "Redis"),
            ("SignalReplay:Redis:ConnectionString", "cache.redis.cache.windows.net:6380,password=x,ssl=True"),
            ("SignalReplay:Store:Kind", "AzureBlob"),
            ("SignalReplay:Store:AzureServiceUri", "https://account.blob.core.windows.net/"),
            ("SignalReplay:Store:Container", "signalreplay"));

        Assert.Equal(ClusteringKind.Redis, settings.Clustering);
        Assert.Equal(ObjectStoreKind.AzureBlob, settings.Store.Kind);
        Assert.Equal(new Uri("https://account.blob.core.windows.net/"), settings.Store.AzureServiceUri);
    }

    [Fact]
    public void Plugins_are_a_list_of_paths_and_one_that_does_not_exist_is_refused_naming_the_key()
    {
        var here = AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar);

        var settings = Read(("SignalReplay:Plugins", $"{here} ; {here}"));
        var error = Assert.Throws<ArgumentException>(() => Read(("SignalReplay:Plugins", $"{here};/no/such/plugin")));

        Assert.Equal([here, here], settings.Plugins);
        Assert.Empty(Read(("SignalReplay:Plugins", string.Empty)).Plugins);
        Assert.Equal("SignalReplay:Plugins names /no/such/plugin, which is neither a file nor a folder.", error.Message);
    }

    [Fact]
    public void Redis_clustering_without_a_connection_string_is_refused_naming_the_key()
    {
        var error = Assert.Throws<ArgumentException>(() => Read(("SignalReplay:Clustering", "Redis")));

        Assert.Contains("SignalReplay:Redis:ConnectionString is required", error.Message);
    }

    [Fact]
    public void An_unknown_clustering_is_refused_naming_the_key_and_the_choices()
    {
        var error = Assert.Throws<ArgumentException>(() => Read(("SignalReplay:Clustering", "Consul")));

        Assert.Contains("SignalReplay:Clustering is 'Consul'; it must be Localhost or Redis", error.Message);
    }

    [Fact]
    public void A_blob_store_without_an_address_is_refused_at_start()
    {
        var error = Assert.Throws<ArgumentException>(() => Read(("SignalReplay:Store:Kind", "AzureBlob")));

        Assert.Contains("exactly one of AzureConnectionString and AzureServiceUri", error.Message);
    }

    [Fact]
    public void Replay_tuning_is_read_from_its_section_and_the_rest_keeps_the_defaults()
    {
        var settings = Read(("SignalReplay:Replay:ShardSize", "250"), ("SignalReplay:Replay:ShardPlacement", "Local"));

        Assert.Equal(250, settings.Replay.ShardSize);
        Assert.Equal(SignalReplay.Grains.ShardPlacementMode.Local, settings.Replay.ShardPlacement);
        Assert.Equal(new SignalReplay.Grains.SignalReplayOptions().ShardsInFlight, settings.Replay.ShardsInFlight);
    }

    [Theory]
    [InlineData("ShardSize", "0", "SignalReplay:Replay:ShardSize cannot be 0")]
    [InlineData("MaxBatchesInFlight", "20000", "SignalReplay:Replay:MaxBatchesInFlight cannot be 20000")]
    [InlineData("ShardsInFlight", "many", "SignalReplay:Replay:ShardsInFlight")]
    [InlineData("ShardPlacement", "Everywhere", "SignalReplay:Replay:ShardPlacement")]
    [InlineData("ShardCount", "4", "SignalReplay:Replay:ShardCount is not a replay setting")]
    public void A_replay_setting_that_cannot_work_is_refused_naming_the_key(string key, string value, string message)
    {
        var error = Assert.Throws<ArgumentException>(() => Read(($"SignalReplay:Replay:{key}", value)));

        Assert.Contains(message, error.Message);
    }

    [Fact]
    public void Run_limits_are_read_from_their_section_and_a_value_that_cannot_work_is_refused_naming_the_key()
    {
        var settings = Read(("SignalReplay:Limits:MaxConfigurations", "2000000"));

        Assert.Equal(2_000_000, settings.Limits.MaxConfigurations);
        Assert.Equal(100_000, settings.Limits.MaxStrategyInstances);
        var error = Assert.Throws<ArgumentException>(() => Read(("SignalReplay:Limits:MaxStrategyInstances", "0")));
        Assert.Contains("SignalReplay:Limits:MaxStrategyInstances is '0'", error.Message);
    }

    [Fact]
    public void Api_limits_are_read_beside_the_run_limits_and_an_unknown_limit_is_refused()
    {
        var settings = Read(("SignalReplay:Limits:MaxUploadBytes", "1048576"), ("SignalReplay:Limits:MaxConcurrentRuns", "2"));

        Assert.Equal(new ApiLimits(1_048_576, 2), settings.Api);
        Assert.Equal(ApiLimits.Default, Read().Api);
        Assert.Contains("SignalReplay:Limits:MaxConcurrentRuns is '0'", Assert.Throws<ArgumentException>(() => Read(("SignalReplay:Limits:MaxConcurrentRuns", "0"))).Message);
        Assert.Contains(
            "SignalReplay:Limits:MaxRuns is not a limit; they are MaxConfigurations, MaxStrategyInstances, MaxUploadBytes, MaxConcurrentRuns",
            Assert.Throws<ArgumentException>(() => Read(("SignalReplay:Limits:MaxRuns", "3"))).Message);
    }

    [Fact]
    public void An_api_key_shorter_than_16_characters_is_refused_at_start()
    {
        var error = Assert.Throws<ArgumentException>(() => Read(("SignalReplay:Api:Key", "x")));

        Assert.Equal("SignalReplay:Api:Key has 1 character(s); an API key must have at least 16.", error.Message);
        Assert.Equal("sixteen-chars-ok", Read(("SignalReplay:Api:Key", "sixteen-chars-ok")).ApiKey);
    }
}
