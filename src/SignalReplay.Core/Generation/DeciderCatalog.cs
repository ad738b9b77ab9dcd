namespace SignalReplay.Core.Generation;

/// <summary>
/// Every strategy and classifier by name, as <see cref="DeciderRegistry.Default"/> has them: the built-ins and whatever plugins
/// this process loaded. Unknown names and parameters are refused with the known ones listed.
/// </summary>
public static class DeciderCatalog
{
    public static IReadOnlyList<string> StrategyNames => [.. DeciderRegistry.Default.Strategies.Select(s => s.Name)];

    public static IReadOnlyList<string> ClassifierNames => [.. DeciderRegistry.Default.Classifiers.Select(c => c.Name)];

    public static Strategy Strategy(string name, IReadOnlyList<SeriesId> series, IReadOnlyDictionary<string, double>? parameters = null) =>
        DeciderRegistry.Default.Strategy(name, series, parameters);

    public static Classifier Classifier(string name, IReadOnlyList<SeriesId> series, IReadOnlyDictionary<string, double>? parameters = null) =>
        DeciderRegistry.Default.Classifier(name, series, parameters);
}
