using SignalReplay.Abstractions;
using SignalReplay.Core.Generation;

namespace SignalReplay.Cli;

/// <summary>The generation run that <c>generate</c> and <c>backtest</c> build from the same flags; bad names and parameters fail here, before a silo starts.</summary>
internal static class GenerationCommandSpec
{
    public static GenerationRun From(string dataset, IEnumerable<string> strategies, IEnumerable<string> classifiers)
    {
        List<Strategy> strategyList = [.. strategies.SelectMany(DeciderSpec.Expand).Select(d => DeciderCatalog.Strategy(d.Name, d.Series, d.Parameters))];
        List<KeyValuePair<string, Classifier>> classifierList =
            [.. classifiers.SelectMany(DeciderSpec.Expand).Select(d => KeyValuePair.Create(d.Name, DeciderCatalog.Classifier(d.Name, d.Series, d.Parameters)))];
        SeriesId[] series = [.. strategyList.SelectMany(s => s.Series).Concat(classifierList.SelectMany(c => c.Value.Series)).Distinct().OrderBy(s => s.ToString(), StringComparer.Ordinal)];
        return new GenerationRun(
            new GenerationRequest(dataset, series, strategyList, classifierList),
            new GenerationOptions { MaxBufferSize = 20_000, BatchWindow = TimeSpan.FromDays(7) });
    }
}
