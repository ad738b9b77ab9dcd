using SignalReplay.Storage.Objects;
using SignalReplay.Storage.Results;

namespace SignalReplay.Storage.Retention;

/// <summary>What a sweep deleted (or would delete, in a dry run) and what it left.</summary>
public sealed record RetentionReport(IReadOnlyList<ExpiredObject> Deleted, int Kept, IReadOnlyList<string> Untagged, bool DryRun);

/// <summary>An object past its class's days.</summary>
public sealed record ExpiredObject(ObjectKey Key, string Class, double AgeDays, long Size);

/// <summary>
/// Applies a <see cref="RetentionPolicy"/> to the results in a store, as the Azure lifecycle rules do:
/// an object tagged <c>retention=&lt;class&gt;</c> goes once its last write is the class's days old.
/// Untagged objects are reported and left alone: retention never guesses.
/// </summary>
public static class RetentionSweeper
{
    public static async Task<RetentionReport> ApplyAsync(
        IObjectStore store, RetentionPolicy policy, DateTimeOffset now, bool dryRun, CancellationToken cancellationToken = default)
    {
        var days = Enum.GetValues<RetentionClass>().ToDictionary(RetentionPolicy.TagValue, policy.DaysFor);
        var deleted = new List<ExpiredObject>();
        var untagged = new List<string>();
        var kept = 0;
        await foreach (var info in store.ListAsync(ResultsLayout.Root, cancellationToken))
        {
            if (!info.Tags.TryGetValue(RetentionPolicy.TagName, out var tag) || !days.TryGetValue(tag, out var limit))
            {
                untagged.Add(info.Key.Value);
                continue;
            }

            var age = (now - info.LastModified).TotalDays;
            if (limit is { } d && age >= d)
            {
                deleted.Add(new ExpiredObject(info.Key, tag, age, info.Size));
            }
            else
            {
                kept++;
            }
        }

        if (!dryRun)
        {
            foreach (var expired in deleted)
            {
                await store.DeleteAsync(expired.Key, cancellationToken);
            }
        }

        return new RetentionReport(deleted, kept, untagged, dryRun);
    }
}
