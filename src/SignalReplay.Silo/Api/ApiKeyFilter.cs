using System.Security.Cryptography;
using System.Text;

namespace SignalReplay.Silo.Api;

/// <summary>
/// Refuses /api requests without the configured key in the <c>X-Api-Key</c> header (401). Health and the
/// OpenAPI document stay open, so probes and tooling work without it. No key configured: no check. With a
/// <paramref name="basicRealm"/> (the dashboard, which a browser opens) the key may also come as the password of
/// Basic authentication, and a refusal asks the browser for it.
/// </summary>
public sealed class ApiKeyFilter(string? key, string? basicRealm = null) : IEndpointFilter
{
    public const string Header = "X-Api-Key";

    public ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        if (key is null)
        {
            return next(context);
        }

        var request = context.HttpContext.Request;
        if (Matches(request.Headers[Header].ToString()) || (basicRealm is not null && Matches(BasicPassword(request.Headers.Authorization.ToString()))))
        {
            return next(context);
        }

        if (basicRealm is not null)
        {
            context.HttpContext.Response.Headers.WWWAuthenticate = $"Basic realm=\"{basicRealm}\", charset=\"UTF-8\"";
            return ValueTask.FromResult<object?>(Results.Problem(
                $"Send the API key in the {Header} header, or as the password of Basic authentication (any user name).", statusCode: StatusCodes.Status401Unauthorized));
        }

        return ValueTask.FromResult<object?>(Results.Problem($"Send the API key in the {Header} header.", statusCode: StatusCodes.Status401Unauthorized));
    }

    // Constant time, so the key cannot be guessed from response times.
    private bool Matches(string? given) => given is not null && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(given), Encoding.UTF8.GetBytes(key!));

    /// <summary>The password of a <c>Basic</c> Authorization header, or null.</summary>
    private static string? BasicPassword(string authorization)
    {
        if (!authorization.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        try
        {
            var credentials = Encoding.UTF8.GetString(Convert.FromBase64String(authorization[6..].Trim()));
            var colon = credentials.IndexOf(':', StringComparison.Ordinal);
            return colon < 0 ? null : credentials[(colon + 1)..];
        }
        catch (FormatException)
        {
            return null;
        }
    }
}
