using Microsoft.Extensions.Configuration;
using System.Text.Json.Nodes;
using SignalReplay.Storage.Retention;

namespace SignalReplay.Deployment.Tests;

public sealed class BicepTests
{
    private static readonly string Root = RepositoryRoot.Find() ?? throw new InvalidOperationException("The tests run outside a checkout.");

    public static TheoryData<string> BicepFiles => [.. BicepCli.Files(Root)];

    [Theory]
    [MemberData(nameof(BicepFiles))]
    public async Task Every_bicep_file_builds_and_lints_without_a_diagnostic(string file)
    {
        var path = Path.Combine(Root, file);

        var lint = await BicepCli.RunAsync("lint", path);
        var build = await BicepCli.RunAsync("build", path, "--stdout");

        Assert.True(lint.ExitCode == 0 && lint.Errors.Length == 0, $"bicep lint {file}:\n{lint.Errors}{lint.Output}");
        Assert.True(build.ExitCode == 0 && build.Errors.Length == 0, $"bicep build {file}:\n{build.Errors}");
    }

    [Fact]
    public async Task Lifecycle_rules_delete_each_retention_class_after_the_application_default_days()
    {
        var template = await CompileAsync("bicep/storage.bicep");

        var rules = LifecycleRules(template);

        Assert.Equal(RetentionPolicy.Default.ExpiringClasses.OrderBy(c => c.Key, StringComparer.Ordinal), rules);
    }

    [Fact]
    public async Task The_azd_entry_keeps_the_default_retention_days()
    {
        var template = await CompileAsync("infra/main.bicep");

        var storage = Resource(template, "Microsoft.Resources/deployments", "storage");
        var parameters = storage["properties"]!["parameters"]!.AsObject();
        Assert.False(parameters.ContainsKey("retentionDays"), "infra/main.bicep must not override the retention days of bicep/storage.bicep");
    }

    [Fact]
    public async Task The_silo_app_gets_exactly_the_settings_the_silo_reads_and_starts_on_them()
    {
        var template = await CompileAsync("bicep/containerapps.bicep");

        var container = Resource(template, "Microsoft.App/containerApps", null)["properties"]!["template"]!["containers"]![0]!;
        var env = container["env"]!.AsArray().Select(variable => variable!["name"]!.GetValue<string>()).ToList();
        var settings = env.Where(name => name.StartsWith("SignalReplay__", StringComparison.Ordinal)).ToList();
        Assert.Equal(
            ["SignalReplay__Clustering", "SignalReplay__Redis__ConnectionString", "SignalReplay__Store__Kind", "SignalReplay__Store__AzureServiceUri", "SignalReplay__Store__Container", "SignalReplay__Api__Key", "SignalReplay__Plugins"],
            settings);
        Assert.Contains("AZURE_CLIENT_ID", env);
        Assert.Contains("OTEL_EXPORTER_OTLP_ENDPOINT", env);
        Assert.Equal("json", container["env"]!.AsArray().Single(variable => variable!["name"]!.GetValue<string>() == "Logging__Console__FormatterName")!["value"]!.GetValue<string>());

        // The literal values the template sets, with stand-ins for those it computes, must make a valid silo.
        var values = container["env"]!.AsArray().ToDictionary(
            variable => variable!["name"]!.GetValue<string>().Replace("__", ":", StringComparison.Ordinal),
            variable => variable!["value"]?.GetValue<string>() is { } value && !value.StartsWith('[') ? value : null);
        values["SignalReplay:Redis:ConnectionString"] = "cache:6380,password=stand-in,ssl=True";
        values["SignalReplay:Store:AzureServiceUri"] = "https://account.blob.core.windows.net/";
        values["SignalReplay:Store:Container"] = "signalreplay";
        values["SignalReplay:Api:Key"] = "stand-in-key-of-16+";
        var silo = SignalReplay.Silo.SiloSettings.Read(new ConfigurationBuilder().AddInMemoryCollection(values).Build());
        Assert.Equal(SignalReplay.Silo.ClusteringKind.Redis, silo.Clustering);
        Assert.Equal("stand-in-key-of-16+", silo.ApiKey);
        Assert.Equal(SignalReplay.Storage.Objects.ObjectStoreKind.AzureBlob, silo.Store.Kind);
    }

    [Fact]
    public async Task The_api_key_is_a_secure_parameter_held_as_a_secret_and_azd_passes_it_through()
    {
        var template = await CompileAsync("bicep/containerapps.bicep");
        var entry = await CompileAsync("infra/main.bicep");

        Assert.Equal("securestring", template["parameters"]!["apiKey"]!["type"]!.GetValue<string>());
        Assert.Equal(16, template["parameters"]!["apiKey"]!["minLength"]!.GetValue<int>());
        var app = Resource(template, "Microsoft.App/containerApps", null)["properties"]!;
        var secret = app["configuration"]!["secrets"]!.AsArray().Single(s => s!["name"]!.GetValue<string>() == "api-key")!;
        Assert.Equal("[parameters('apiKey')]", secret["value"]!.GetValue<string>());
        var variable = app["template"]!["containers"]![0]!["env"]!.AsArray().Single(v => v!["name"]!.GetValue<string>() == "SignalReplay__Api__Key")!;
        Assert.Equal("api-key", variable["secretRef"]!.GetValue<string>());
        Assert.Null(variable["value"]);

        Assert.Equal("securestring", entry["parameters"]!["apiKey"]!["type"]!.GetValue<string>());
        var silo = Resource(entry, "Microsoft.Resources/deployments", "silo")["properties"]!["parameters"]!;
        Assert.Equal("[parameters('apiKey')]", silo["apiKey"]!["value"]!.GetValue<string>());
        var azd = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(Root, "infra", "main.parameters.json"), TestContext.Current.CancellationToken))!;
        Assert.Equal("${SIGNALREPLAY_API_KEY}", azd["parameters"]!["apiKey"]!["value"]!.GetValue<string>());
    }

    /// <summary>
    /// Expands the compiled lifecycle policy into (retention tag value, days) pairs. The template
    /// builds its rules with a copy loop over items(retentionDays); the loop's expressions are checked
    /// to be exactly "one rule per entry: tag == key, delete after value days", then evaluated with
    /// the parameter's default, the way ARM would.
    /// </summary>
    private static List<KeyValuePair<string, int>> LifecycleRules(JsonNode template)
    {
        const string Entry = "items(parameters('retentionDays'))[copyIndex('rules')]";
        var policy = Resource(template, "Microsoft.Storage/storageAccounts/managementPolicies", null)["properties"]!["policy"]!;
        var loop = policy["copy"]!.AsArray().Single()!;
        Assert.Equal("rules", loop["name"]!.GetValue<string>());
        Assert.Equal("[length(items(parameters('retentionDays')))]", loop["count"]!.GetValue<string>());
        var rule = loop["input"]!;
        Assert.True(rule["enabled"]!.GetValue<bool>());
        var filters = rule["definition"]!["filters"]!;
        var tag = filters["blobIndexMatch"]!.AsArray().Single()!;
        Assert.Equal(RetentionPolicy.TagName, tag["name"]!.GetValue<string>());
        Assert.Equal("==", tag["op"]!.GetValue<string>());
        Assert.Equal($"[{Entry}.key]", tag["value"]!.GetValue<string>());
        Assert.Equal("[format('{0}/results/', parameters('containerName'))]", filters["prefixMatch"]!.AsArray().Single()!.GetValue<string>());
        Assert.Equal($"[{Entry}.value]", rule["definition"]!["actions"]!["baseBlob"]!["delete"]!["daysAfterModificationGreaterThan"]!.GetValue<string>());

        // items() returns the object's entries sorted by key.
        return [.. template["parameters"]!["retentionDays"]!["defaultValue"]!.AsObject()
            .Select(pair => KeyValuePair.Create(pair.Key, pair.Value!.GetValue<int>()))
            .OrderBy(pair => pair.Key, StringComparer.Ordinal)];
    }

    private static JsonNode Resource(JsonNode template, string type, string? name) =>
        template["resources"]!.AsArray().Single(resource =>
            resource!["type"]!.GetValue<string>() == type && (name is null || resource["name"]!.GetValue<string>() == name))!;

    private static async Task<JsonNode> CompileAsync(string file)
    {
        var build = await BicepCli.RunAsync("build", Path.Combine(Root, file), "--stdout");
        Assert.True(build.ExitCode == 0, build.Errors);
        return JsonNode.Parse(build.Output)!;
    }
}
