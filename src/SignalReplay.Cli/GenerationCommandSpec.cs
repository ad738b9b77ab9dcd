using SignalReplay.Abstractions;

namespace SignalReplay.Cli;

/// <summary>The generation spec that <c>generate</c> and <c>backtest</c> build from the same flags.</summary>
internal static class GenerationCommandSpec
{
    public static GenerationSpec From(string dataset, IEnumerable<string> strategies, IEnumerable<string> classifiers)
    {
        DeciderWire[] strategyList = [.. strategies.SelectMany(DeciderSpec.Expand)];
        DeciderWire[] classifierList = [.. classifiers.SelectMany(DeciderSpec.Expand)];
        string[] series = [.. strategyList.Concat(classifierList).SelectMany(d => d.Series).Distinct().Order(StringComparer.Ordinal)];
        return new GenerationSpec(dataset, series, strategyList, classifierList, MaxBufferSize: 20_000, BatchWindow: TimeSpan.FromDays(7));
    }
}
