using SignalReplay.Abstractions;
using SignalReplay.Core.Generation;
using SignalReplay.Storage.Signals;

namespace SignalReplay.Grains.Generation;

/// <summary>Turns the wire form of a generation run into Core deciders and back.</summary>
public static class GenerationSpecs
{
    public static GenerationRequest ToRequest(GenerationSpec spec) => new(
        spec.Dataset,
        [.. spec.Series.Select(SeriesId.Parse)],
        [.. spec.Strategies.Select(s => DeciderCatalog.Strategy(s.Name, [.. s.Series.Select(SeriesId.Parse)], s.Parameters))],
        [.. spec.Classifiers.Select(c => KeyValuePair.Create(c.Label ?? c.Name, DeciderCatalog.Classifier(c.Name, [.. c.Series.Select(SeriesId.Parse)], c.Parameters)))]);

    /// <summary>The spec with its series in the one order every run uses (by name), so listing them otherwise changes nothing.</summary>
    public static GenerationSpec Canonical(GenerationSpec spec) =>
        spec with { Series = [.. spec.Series.Order(StringComparer.Ordinal)] };

    public static GenerationOptions Options(GenerationSpec spec) => new() { MaxBufferSize = spec.MaxBufferSize, BatchWindow = spec.BatchWindow };
}
