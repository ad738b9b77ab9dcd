using System.Globalization;
using SignalReplay.Core.Features;

namespace SignalReplay.Core.Generation;

/// <summary>
/// One feature output a strategy or classifier reads: kind, series, parameters and which output
/// (<c>value</c>, <c>upper</c>, <c>lower</c>). Requests with the same <see cref="Key"/> share one
/// computation, so a feature is computed once per series however many strategies read it.
/// </summary>
public sealed record FeatureRequest(string Kind, SeriesId Series, IReadOnlyList<double> Parameters, string Output = "value", SeriesId? Other = null)
{
    /// <summary>The computation's identity, e.g. <c>sma(20)@SPY_1m</c> or <c>correlation(60)@SPY_1m~QQQ_1m</c>.</summary>
    public string ComputationKey =>
        $"{Kind}({string.Join(',', Parameters.Select(p => p.ToString("R", CultureInfo.InvariantCulture)))})@{Series}" + (Other is { } other ? $"~{other}" : string.Empty);

    /// <summary>The output's identity: the computation key plus the output when it is not <c>value</c>.</summary>
    public string Key => Output == "value" ? ComputationKey : $"{ComputationKey}.{Output}";

    public override string ToString() => Key;
}

/// <summary>Turns feature requests into computations (the kinds <see cref="DeciderRegistry.Default"/> has); unknown kinds, outputs and parameters are refused by name.</summary>
public static class FeatureCatalog
{
    public static IReadOnlyCollection<string> KnownKinds => [.. DeciderRegistry.Default.Features.Select(f => f.Name)];

    /// <summary>Checks kind, parameter count, output and the pairing of two-series kinds.</summary>
    public static void Validate(FeatureRequest request) => Definition(request);

    /// <summary>The outputs a request's computation has, <c>value</c> first.</summary>
    public static IReadOnlyList<string> Outputs(FeatureRequest request) => Definition(request).Outputs;

    /// <summary>A fresh computation for a single-series request.</summary>
    public static IBarFeature CreateBarFeature(FeatureRequest request)
    {
        var definition = Definition(request);
        return Made(request, definition.Create ?? throw new ArgumentException($"Feature {request.Kind} reads two series: give it a second series (Other)."));
    }

    /// <summary>A fresh computation for a two-series request.</summary>
    public static IPairedFeature CreatePairedFeature(FeatureRequest request)
    {
        var definition = Definition(request);
        return Made(request, definition.CreatePaired ?? throw new ArgumentException($"Feature {request.Kind} reads one series; it takes no second series."));
    }

    private static T Made<T>(FeatureRequest request, Func<IReadOnlyList<double>, T> create)
    {
        try
        {
            return create(request.Parameters);
        }
        catch (ArgumentException error) when (!error.Message.StartsWith($"Feature {request.Kind}", StringComparison.Ordinal))
        {
            throw new ArgumentException($"Feature {request.Kind}: {error.Message}", error);
        }
    }

    private static FeatureDefinition Definition(FeatureRequest request)
    {
        var definition = DeciderRegistry.Default.Feature(request.Kind);
        if (request.Parameters.Count != definition.Parameters)
        {
            throw new ArgumentException($"Feature {request.Kind} takes {definition.Parameters} parameter(s), not {request.Parameters.Count}.");
        }

        if (!definition.Outputs.Contains(request.Output))
        {
            throw new ArgumentException($"Feature {request.Kind} has no output '{request.Output}'; it has {string.Join(", ", definition.Outputs)}.");
        }

        if (definition.Paired != (request.Other is not null))
        {
            throw new ArgumentException($"Feature {request.Kind}: {(definition.Paired ? "it reads two series: give it a second series" : "it reads one series and takes no second series")}.");
        }

        if (request.Parameters.Any(p => !double.IsFinite(p)))
        {
            throw new ArgumentException($"Feature {request.Kind}: parameters must be finite numbers.");
        }

        return definition;
    }
}
