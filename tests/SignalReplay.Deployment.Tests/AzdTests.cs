using System.Diagnostics;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using YamlDotNet.RepresentationModel;

namespace SignalReplay.Deployment.Tests;

/// <summary>The azd conventions around the Bicep: the preprovision hook and the pipeline workflow.</summary>
public sealed partial class AzdTests
{
    private static readonly string Root = RepositoryRoot.Find() ?? throw new InvalidOperationException("The repository root (Orleans.sln) was not found above the test's folder.");

    [Theory]
    [InlineData(null, 1)]
    [InlineData("short-key", 1)]
    [InlineData("a-key-of-sixteen+", 0)]
    public async Task The_preprovision_hook_refuses_a_missing_or_short_api_key_naming_the_command_that_sets_it(string? key, int expected)
    {
        var start = new ProcessStartInfo("sh", [Path.Combine(Root, "infra", "hooks", "preprovision.sh")]) { RedirectStandardError = true, RedirectStandardOutput = true };
        start.Environment.Remove("SIGNALREPLAY_API_KEY");
        if (key is not null)
        {
            start.Environment["SIGNALREPLAY_API_KEY"] = key;
        }

        using var hook = Process.Start(start)!;
        var error = await hook.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        await hook.WaitForExitAsync(TestContext.Current.CancellationToken);

        Assert.Equal(expected, hook.ExitCode);
        if (expected != 0)
        {
            Assert.Contains("azd env set SIGNALREPLAY_API_KEY", error, StringComparison.Ordinal);
        }

        var azure = Yaml("azure.yaml");
        Assert.Equal("./infra/hooks/preprovision.sh", ((YamlScalarNode)azure["hooks"]["preprovision"]["posix"]["run"]).Value);
    }

    [Fact]
    public async Task The_pipeline_signs_in_with_federated_credentials_provisions_and_deploys_with_every_value_the_parameters_ask_for()
    {
        var workflow = Yaml(".github/workflows/azure-dev.yml");
        Assert.Equal("write", ((YamlScalarNode)workflow["permissions"]["id-token"]).Value);
        var job = workflow["jobs"]["deploy"];
        var runs = ((YamlSequenceNode)job["steps"]).Children.OfType<YamlMappingNode>()
            .Where(step => step.Children.ContainsKey("run")).Select(step => ((YamlScalarNode)step["run"]).Value!).ToList();
        Assert.Contains(runs, run => run.StartsWith("azd auth login", StringComparison.Ordinal) && run.Contains("--federated-credential-provider github", StringComparison.Ordinal));
        Assert.Equal(["azd provision --no-prompt", "azd deploy --no-prompt"], runs.Where(run => !run.StartsWith("azd auth", StringComparison.Ordinal)));

        // Every ${VAR} infra/main.parameters.json reads reaches the job's environment.
        var parameters = await File.ReadAllTextAsync(Path.Combine(Root, "infra", "main.parameters.json"), TestContext.Current.CancellationToken);
        var wanted = Variable().Matches(parameters).Select(m => m.Groups["name"].Value).Distinct().ToList();
        var env = ((YamlMappingNode)job["env"]).Children.Keys.Select(k => ((YamlScalarNode)k).Value).ToList();
        Assert.NotEmpty(wanted);
        Assert.All(wanted, name => Assert.Contains(name, env));
        Assert.NotNull(JsonNode.Parse(parameters));
    }

    private static YamlMappingNode Yaml(string file)
    {
        var stream = new YamlStream();
        using var reader = new StreamReader(Path.Combine(Root, file));
        stream.Load(reader);
        return (YamlMappingNode)stream.Documents[0].RootNode;
    }

    [GeneratedRegex(@"\$\{(?<name>[A-Z_]+)=?[^}]*\}")]
    private static partial Regex Variable();
}
