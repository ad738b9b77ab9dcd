using System.Security.Cryptography;
using System.Text;

namespace SignalReplay.Silo.Api;

/// <summary>
/// Refuses /api requests without the configured key in the <c>X-Api-Key</c> header (401). Health and the
/// OpenAPI document stay open, so probes and tooling work without it. No key configured: no check.
/// </summary>
public sealed class ApiKeyFilter(string? key) : IEndpointFilter
{
    public const string Header = "X-Api-Key";

    public ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        if (key is null)
        {
            return next(context);
        }

        var given = context.HttpContext.Request.Headers[Header].ToString();

        // Constant time, so the key cannot be guessed from response times.
        return CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(given), Encoding.UTF8.GetBytes(key))
            ? next(context)
            : ValueTask.FromResult<object?>(Results.Problem($"Send the API key in the {Header} header.", statusCode: StatusCodes.Status401Unauthorized));
    }
}
