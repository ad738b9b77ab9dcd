namespace SignalReplay.Abstractions;

/// <summary>
/// How a <see cref="GenerationRequest"/> travels: each decider as its catalog name, series and every parameter,
/// which the receiving side turns back into the same instance through <see cref="DeciderCatalog"/>.
/// </summary>
[GenerateSerializer, Alias("signalreplay.generation-request")]
public struct GenerationRequestSurrogate
{
    [Id(0)] public string Dataset;
    [Id(1)] public string[] Series;
    [Id(2)] public DeciderSurrogate[] Strategies;
    [Id(3)] public DeciderSurrogate[] Classifiers;
}

/// <summary>One strategy or classifier: catalog name, series, every parameter, and (classifiers) the name phases use.</summary>
[GenerateSerializer, Alias("signalreplay.decider")]
public struct DeciderSurrogate
{
    [Id(0)] public string Name;
    [Id(1)] public string[] Series;
    [Id(2)] public Dictionary<string, double> Parameters;
    [Id(3)] public string? Label;

    public static DeciderSurrogate Of(Decider decider, string? label = null) => new()
    {
        Name = decider.Kind,
        Series = [.. decider.Series.Select(s => s.ToString())],
        Parameters = new Dictionary<string, double>(decider.Parameters, StringComparer.Ordinal),
        Label = label,
    };
}

[RegisterConverter]
public sealed class GenerationRequestConverter : IConverter<GenerationRequest, GenerationRequestSurrogate>
{
    public GenerationRequest ConvertFromSurrogate(in GenerationRequestSurrogate s) => new(
        s.Dataset,
        [.. s.Series.Select(SeriesId.Parse)],
        [.. s.Strategies.Select(d => DeciderCatalog.Strategy(d.Name, [.. d.Series.Select(SeriesId.Parse)], d.Parameters))],
        [.. s.Classifiers.Select(d => KeyValuePair.Create(d.Label ?? d.Name, DeciderCatalog.Classifier(d.Name, [.. d.Series.Select(SeriesId.Parse)], d.Parameters)))]);

    public GenerationRequestSurrogate ConvertToSurrogate(in GenerationRequest value) => new()
    {
        Dataset = value.Dataset,
        Series = [.. value.Series.Select(s => s.ToString())],
        Strategies = [.. value.Strategies.Select(s => DeciderSurrogate.Of(s))],
        Classifiers = [.. value.Classifiers.Select(c => DeciderSurrogate.Of(c.Value, c.Key))],
    };
}

/// <summary><see cref="GenerationOptions"/> on the wire.</summary>
[GenerateSerializer, Alias("signalreplay.generation-options")]
public struct GenerationOptionsSurrogate
{
    [Id(0)] public int MaxBufferSize;
    [Id(1)] public TimeSpan BatchWindow;
}

[RegisterConverter]
public sealed class GenerationOptionsConverter : IConverter<GenerationOptions, GenerationOptionsSurrogate>
{
    public GenerationOptions ConvertFromSurrogate(in GenerationOptionsSurrogate s) => new() { MaxBufferSize = s.MaxBufferSize, BatchWindow = s.BatchWindow };

    public GenerationOptionsSurrogate ConvertToSurrogate(in GenerationOptions value) => new() { MaxBufferSize = value.MaxBufferSize, BatchWindow = value.BatchWindow };
}
