namespace SignalReplay.Core.Generation;

/// <summary>
/// What classifiers and strategies share: an instance id naming kind, parameters and series; the
/// series it reads (the first given of the fastest timeframe is the primary, whose bars drive its
/// decisions and which it trades); and the feature outputs it reads. Deciders hold no mutable state.
/// The series are kept in a canonical order (the primary, then the others by name), so listing the
/// others in another order names the same instance and gives the same signals. A decider reads its parameters in its
/// constructor (before or after the base constructor); its <see cref="InstanceId"/> names every one it read.
/// </summary>
public abstract class Decider
{
    private readonly Parameters _reads;
    private IReadOnlyDictionary<string, double>? _parameters;
    private string? _instanceId;

    protected Decider(string kind, IReadOnlyList<SeriesId> series, Parameters parameters)
    {
        if (series.Count == 0)
        {
            throw new ArgumentException($"{kind}: needs at least one series.");
        }

        if (series.Distinct().Count() != series.Count)
        {
            throw new ArgumentException($"{kind}: a series is given more than once ({string.Join(", ", series)}).");
        }

        Kind = kind;
        Primary = series.MinBy(s => s.Timeframe.NominalMillis);
        Series = [Primary, .. series.Where(s => s != Primary).OrderBy(s => s.ToString(), StringComparer.Ordinal)];
        _reads = parameters;
    }

    /// <summary>The catalog name (<c>momentum</c>, <c>trend</c>, ...).</summary>
    public string Kind { get; }

    /// <summary>Every parameter, defaults included: given back to the catalog with <see cref="Kind"/> and <see cref="Series"/>, they make the same instance.</summary>
    public IReadOnlyDictionary<string, double> Parameters => _parameters ??= _reads.Read.ToDictionary(p => p.Name, p => p.Value, StringComparer.Ordinal);

    /// <summary>Stable and readable: <c>momentum(fast=10,slow=50,long_only=0)@SPY_1m</c>.</summary>
    public string InstanceId => _instanceId ??= $"{_reads.Describe(Kind)}@{string.Join('+', Series)}";

    /// <summary>Every series it reads: <see cref="Primary"/> first, then the others by name.</summary>
    public IReadOnlyList<SeriesId> Series { get; }

    /// <summary>The fastest series (the first given of them on a tie): one decision per bar of it.</summary>
    public SeriesId Primary { get; }

    /// <summary>The index of <see cref="Primary"/> in <see cref="Series"/>: always 0, the primary comes first.</summary>
    public int PrimaryOrdinal => 0;

    /// <summary>The series other than <see cref="Primary"/>, by name.</summary>
    public IReadOnlyList<SeriesId> Others => [.. Series.Skip(1)];

    public abstract IReadOnlyList<FeatureRequest> Features { get; }

    public override string ToString() => InstanceId;
}

/// <summary>A strategy: (features, regimes, current target) -> target position in [-1, 1].</summary>
public abstract class Strategy(string kind, IReadOnlyList<SeriesId> series, Parameters parameters) : Decider(kind, series, parameters)
{
    public abstract double Decide(DecisionContext context);
}

/// <summary>A classifier: features -> regime label, or null while it cannot tell yet.</summary>
public abstract class Classifier(string kind, IReadOnlyList<SeriesId> series, Parameters parameters) : Decider(kind, series, parameters)
{
    /// <summary>Every label it can return.</summary>
    public abstract IReadOnlyList<string> Labels { get; }

    public abstract string? Classify(DecisionContext context);
}
