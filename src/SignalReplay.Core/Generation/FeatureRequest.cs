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

/// <summary>Turns feature requests into computations; unknown kinds, outputs and parameters are refused by name.</summary>
public static class FeatureCatalog
{
    private static readonly IReadOnlyDictionary<string, (int Parameters, string[] Outputs)> Kinds = new Dictionary<string, (int, string[])>
    {
        ["sma"] = (1, ["value"]),
        ["ema"] = (1, ["value"]),
        ["rsi"] = (1, ["value"]),
        ["atr"] = (1, ["value"]),
        ["bollinger"] = (2, ["value", "upper", "lower"]),
        ["volatility"] = (1, ["value"]),
        ["roc"] = (1, ["value"]),
        ["donchian"] = (1, ["value", "upper", "lower"]),
        ["correlation"] = (1, ["value"]),
    };

    public static IReadOnlyCollection<string> KnownKinds => [.. Kinds.Keys.Order(StringComparer.Ordinal)];

    /// <summary>Checks kind, parameter count, output and the pairing of two-series kinds.</summary>
    public static void Validate(FeatureRequest request)
    {
        if (!Kinds.TryGetValue(request.Kind, out var shape))
        {
            throw new ArgumentException($"Unknown feature '{request.Kind}'; known features are {string.Join(", ", KnownKinds)}.");
        }

        if (request.Parameters.Count != shape.Parameters)
        {
            throw new ArgumentException($"Feature {request.Kind} takes {shape.Parameters} parameter(s), not {request.Parameters.Count}.");
        }

        if (!shape.Outputs.Contains(request.Output))
        {
            throw new ArgumentException($"Feature {request.Kind} has no output '{request.Output}'; it has {string.Join(", ", shape.Outputs)}.");
        }

        if ((request.Kind == "correlation") != (request.Other is not null))
        {
            throw new ArgumentException($"Feature {request.Kind}: correlation needs a second series and no other feature takes one.");
        }

        if (request.Parameters.Any(p => !double.IsFinite(p)))
        {
            throw new ArgumentException($"Feature {request.Kind}: parameters must be finite numbers.");
        }
    }

    /// <summary>A fresh computation for a single-series request.</summary>
    internal static IBarFeature CreateBarFeature(FeatureRequest request)
    {
        Validate(request);
        var length = Length(request);
        return request.Kind switch
        {
            "sma" => new Sma(length),
            "ema" => new Ema(length),
            "rsi" => new Rsi(length),
            "atr" => new Atr(length),
            "bollinger" => new Bollinger(length, request.Parameters[1]),
            "volatility" => new LogReturnVolatility(length),
            "roc" => new Roc(length),
            "donchian" => new Donchian(length),
            _ => throw new ArgumentException($"Feature {request.Kind} is not a single-series feature."),
        };
    }

    internal static ReturnCorrelation CreateCorrelation(FeatureRequest request)
    {
        Validate(request);
        return new ReturnCorrelation(Length(request));
    }

    /// <summary>Reads <paramref name="output"/> of a computation.</summary>
    internal static double Read(IBarFeature feature, string output) => (feature, output) switch
    {
        (_, "value") => feature.Value,
        (Bollinger bands, "upper") => bands.Upper,
        (Bollinger bands, "lower") => bands.Lower,
        (Donchian channel, "upper") => channel.Upper,
        (Donchian channel, "lower") => channel.Lower,
        _ => throw new ArgumentException($"Feature {feature.GetType().Name} has no output '{output}'."),
    };

    private static int Length(FeatureRequest request)
    {
        var length = request.Parameters[0];
        if (length != Math.Floor(length) || length is < 1 or > 1_000_000)
        {
            throw new ArgumentException($"Feature {request.Kind}: length must be a whole number from 1 to 1,000,000, not {length}.");
        }

        return (int)length;
    }
}
