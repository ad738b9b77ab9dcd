namespace SignalReplay.Core.Generation;

/// <summary>What to generate: the base dataset and series, and the deciders to run over them (classifiers by the name phases use).</summary>
public sealed record GenerationRequest(
    string Dataset,
    IReadOnlyList<SeriesId> Series,
    IReadOnlyList<Strategy> Strategies,
    IReadOnlyList<KeyValuePair<string, Classifier>> Classifiers)
{
    /// <summary>The same request with its series in the one order every run uses (by name).</summary>
    public GenerationRequest Canonical() => this with { Series = [.. Series.OrderBy(s => s.ToString(), StringComparer.Ordinal)] };

    /// <summary>The series each classifier counts bars of, by the name phases use.</summary>
    public IReadOnlyDictionary<string, SeriesId> ClassifierSeries =>
        Classifiers.ToDictionary(c => c.Key, c => c.Value.Primary, StringComparer.Ordinal);
}
