using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace SignalReplay.Silo.Api;

/// <summary>
/// The OpenAPI document's security: the <c>X-Api-Key</c> header scheme, required by every /api operation (with its
/// 401 answer) when the host has a key; health and the document itself stay open, as <see cref="ApiKeyFilter"/> does.
/// </summary>
internal static class ApiDocument
{
    public const string Scheme = "ApiKey";

    public static void Describe(OpenApiOptions options, bool keyRequired)
    {
        if (!keyRequired)
        {
            return;
        }

        options.AddDocumentTransformer((document, _, _) =>
        {
            document.Components ??= new OpenApiComponents();
            document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
            document.Components.SecuritySchemes[Scheme] = new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.ApiKey,
                In = ParameterLocation.Header,
                Name = ApiKeyFilter.Header,
                Description = "The host's API key (SignalReplay:Api:Key).",
            };
            return Task.CompletedTask;
        });
        options.AddOperationTransformer((operation, context, _) =>
        {
            if (context.Description.RelativePath?.StartsWith("api/", StringComparison.Ordinal) == true)
            {
                operation.Security ??= [];
                operation.Security.Add(new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(Scheme, context.Document)] = [] });
                operation.Responses ??= [];
                operation.Responses.TryAdd("401", new OpenApiResponse { Description = $"The {ApiKeyFilter.Header} header is missing or wrong." });
            }

            return Task.CompletedTask;
        });
    }
}
