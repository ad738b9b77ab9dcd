namespace SignalReplay.Core.Generation;

/// <summary>
/// Every strategy and classifier by name. A new strategy is one class plus one line here.
/// Unknown names and parameters are refused with the known ones listed.
/// </summary>
public static class DeciderCatalog
{
    private static readonly IReadOnlyDictionary<string, Func<IReadOnlyList<SeriesId>, Parameters, Strategy>> Strategies =
        new Dictionary<string, Func<IReadOnlyList<SeriesId>, Parameters, Strategy>>
        {
            ["momentum"] = (series, p) => new MomentumStrategy(series, p),
            ["mean_reversion"] = (series, p) => new MeanReversionStrategy(series, p),
            ["breakout"] = (series, p) => new BreakoutStrategy(series, p),
            ["correlation_momentum"] = (series, p) => new CorrelationMomentumStrategy(series, p),
        };

    private static readonly IReadOnlyDictionary<string, Func<IReadOnlyList<SeriesId>, Parameters, Classifier>> Classifiers =
        new Dictionary<string, Func<IReadOnlyList<SeriesId>, Parameters, Classifier>>
        {
            ["trend"] = (series, p) => new TrendClassifier(series, p),
            ["volatility"] = (series, p) => new VolatilityClassifier(series, p),
        };

    public static IReadOnlyList<string> StrategyNames => [.. Strategies.Keys.Order(StringComparer.Ordinal)];

    public static IReadOnlyList<string> ClassifierNames => [.. Classifiers.Keys.Order(StringComparer.Ordinal)];

    public static Strategy Strategy(string name, IReadOnlyList<SeriesId> series, IReadOnlyDictionary<string, double>? parameters = null) =>
        Strategies.TryGetValue(name, out var create)
            ? create(series, new Parameters(name, parameters ?? new Dictionary<string, double>()))
            : throw new ArgumentException($"Unknown strategy '{name}'; known strategies are {string.Join(", ", StrategyNames)}.");

    public static Classifier Classifier(string name, IReadOnlyList<SeriesId> series, IReadOnlyDictionary<string, double>? parameters = null) =>
        Classifiers.TryGetValue(name, out var create)
            ? create(series, new Parameters(name, parameters ?? new Dictionary<string, double>()))
            : throw new ArgumentException($"Unknown classifier '{name}'; known classifiers are {string.Join(", ", ClassifierNames)}.");
}
