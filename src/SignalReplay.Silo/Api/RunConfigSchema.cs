using System.Text.Json.Nodes;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;
using SignalReplay.Core.Optimization;

namespace SignalReplay.Silo.Api;

/// <summary>
/// The run configuration (the body of <c>POST /api/runs</c>, YAML or JSON) as OpenAPI schemas, made from the keys the
/// reader accepts (<see cref="RunConfigKeys"/>), so the document and the reader cannot disagree on a section's keys. A leaf
/// value is a scalar or a list of alternatives (a grid), so leaves carry no type; the reader checks them and names the line.
/// </summary>
internal static class RunConfigSchema
{
    public const string Name = "RunConfig";

    /// <summary>Sections and the keys in them that hold another section, alone or as a list.</summary>
    private static readonly Dictionary<string, (string[] Keys, Dictionary<string, (string Section, bool List)> Children)> Sections = new()
    {
        [Name] = (RunConfigKeys.Root, new()
        {
            ["data"] = ("RunConfigData", false),
            ["classifiers"] = ("RunConfigClassifier", true),
            ["strategies"] = ("RunConfigStrategy", true),
            ["ensembles"] = ("RunConfigEnsemble", true),
            ["portfolio"] = ("RunConfigPortfolio", false),
            ["phases"] = ("RunConfigPhase", true),
            ["retention"] = ("RunConfigRetention", false),
        }),
        ["RunConfigData"] = (RunConfigKeys.Data, []),
        ["RunConfigClassifier"] = (RunConfigKeys.Classifier, []),
        ["RunConfigStrategy"] = (RunConfigKeys.Strategy, []),
        ["RunConfigEnsemble"] = (RunConfigKeys.Ensemble, new() { ["members"] = ("RunConfigEnsembleMember", true) }),
        ["RunConfigEnsembleMember"] = (RunConfigKeys.EnsembleMember, []),
        ["RunConfigPortfolio"] = (RunConfigKeys.Portfolio, new()
        {
            ["sizing"] = ("RunConfigSizing", true),
            ["execution"] = ("RunConfigExecution", false),
            ["risk"] = ("RunConfigRisk", false),
        }),
        ["RunConfigSizing"] = (RunConfigKeys.Sizing, []),
        ["RunConfigExecution"] = (RunConfigKeys.Execution, []),
        ["RunConfigRisk"] = (RunConfigKeys.Risk, []),
        ["RunConfigPhase"] = (RunConfigKeys.Phase, new() { ["range"] = ("RunConfigRange", false) }),
        ["RunConfigRange"] = (RunConfigKeys.Range, []),
        ["RunConfigRetention"] = (RunConfigKeys.Retention, []),
    };

    public static void Describe(OpenApiOptions options)
    {
        options.AddDocumentTransformer((document, _, _) =>
        {
            document.Components ??= new OpenApiComponents();
            document.Components.Schemas ??= new Dictionary<string, IOpenApiSchema>();
            foreach (var (section, (keys, children)) in Sections)
            {
                var schema = new OpenApiSchema
                {
                    Type = JsonSchemaType.Object,
                    AdditionalPropertiesAllowed = false,
                    Properties = new Dictionary<string, IOpenApiSchema>(),
                    Description = section == Name ? "A run configuration (SPEC 8), as YAML or JSON: the data, strategies and portfolio alternatives to search, and its phases." : null,
                };
                foreach (var key in keys)
                {
                    schema.Properties[key] = children.TryGetValue(key, out var child)
                        ? child.List
                            ? new OpenApiSchema { Type = JsonSchemaType.Array, Items = new OpenApiSchemaReference(child.Section, document) }
                            : new OpenApiSchemaReference(child.Section, document)
                        : new OpenApiSchema();
                }

                if (section == Name)
                {
                    schema.Required = new HashSet<string>(RunConfigKeys.Required, StringComparer.Ordinal);
                    schema.Example = JsonNode.Parse("""
                        {"name": "sweep", "data": {"dataset": "goog", "series": ["GOOG_1d"]},
                         "strategies": [{"name": "momentum", "series": "GOOG_1d", "params": {"fast": [5, 10, 20], "slow": [50, 100]}}],
                         "phases": [{"name": "grid", "kind": "grid", "top": 10}]}
                        """);
                }

                document.Components.Schemas[section] = schema;
            }

            return Task.CompletedTask;
        });
        options.AddOperationTransformer((operation, context, _) =>
        {
            if (context.Description.HttpMethod == "POST" && context.Description.RelativePath?.TrimEnd('/') == "api/runs")
            {
                var body = new OpenApiSchemaReference(Name, context.Document);
                operation.RequestBody = new OpenApiRequestBody
                {
                    Required = true,
                    Description = "The run configuration, at most 1 MiB.",
                    Content = new Dictionary<string, OpenApiMediaType>
                    {
                        ["application/yaml"] = new() { Schema = body },
                        ["application/json"] = new() { Schema = body },
                        ["text/plain"] = new() { Schema = body },
                    },
                };
            }

            return Task.CompletedTask;
        });
    }
}
