namespace SignalReplay.Storage.Retention;

/// <summary>The retention classes every results object carries (SPEC 9), as the blob index tag <c>retention</c>.</summary>
public enum RetentionClass
{
    Events,
    Trades,
    Metrics,
    Summary,
}

/// <summary>
/// How long each retention class is kept. In Azure the storage lifecycle rules deployed from
/// <c>bicep/storage.bicep</c> enforce these numbers (a test keeps the two equal); locally the
/// <c>retention</c> command applies them.
/// </summary>
public sealed record RetentionPolicy
{
    /// <summary>The blob index tag (and local tag) that holds an object's class.</summary>
    public const string TagName = "retention";

    public static RetentionPolicy Default { get; } = new();

    public int? EventsDays { get; init; } = 7;

    public int? TradesDays { get; init; } = 90;

    public int? MetricsDays { get; init; } = 365;

    /// <summary>Null: summaries are kept.</summary>
    public int? SummaryDays { get; init; }

    /// <summary>Days after its last write that an object of <paramref name="retentionClass"/> is deleted, or null when it is kept.</summary>
    public int? DaysFor(RetentionClass retentionClass) => retentionClass switch
    {
        RetentionClass.Events => EventsDays,
        RetentionClass.Trades => TradesDays,
        RetentionClass.Metrics => MetricsDays,
        _ => SummaryDays,
    };

    /// <summary>The tag value of <paramref name="retentionClass"/>: <c>events</c>, <c>trades</c>, <c>metrics</c>, <c>summary</c>.</summary>
    public static string TagValue(RetentionClass retentionClass) => retentionClass.ToString().ToLowerInvariant();

    /// <summary>Tag value -> days, for the classes that expire, in class order.</summary>
    public IReadOnlyList<KeyValuePair<string, int>> ExpiringClasses =>
    [
        .. Enum.GetValues<RetentionClass>()
            .Where(retentionClass => DaysFor(retentionClass) is not null)
            .Select(retentionClass => KeyValuePair.Create(TagValue(retentionClass), DaysFor(retentionClass)!.Value)),
    ];
}
