using System.Globalization;

namespace SignalReplay.Core.Data;

/// <summary>The unit of a <see cref="Timeframe"/>.</summary>
public enum TimeUnit
{
    Minute,
    Hour,
    Day,
    Week,
    Month,
}

/// <summary>
/// The length of one bar: <c>1m</c>, <c>5m</c>, <c>1h</c>, <c>1d</c>, <c>1w</c>, <c>1M</c>.
/// Buckets are aligned to the Unix epoch (UTC midnight for days, Monday for weeks,
/// the first of the month for months), so the same instant always falls in the same bar.
/// </summary>
public readonly record struct Timeframe
{
    private const long MillisPerMinute = 60_000;
    private const long MillisPerDay = 86_400_000;

    // 1970-01-01 was a Thursday; weeks start on Monday, 3 days earlier.
    private const long FirstMondayMillis = -3 * MillisPerDay;

    public Timeframe(int count, TimeUnit unit)
    {
        if (count <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(count), count, "A timeframe needs a positive count.");
        }

        Count = count;
        Unit = unit;
    }

    public int Count { get; }

    public TimeUnit Unit { get; }

    public static Timeframe OneMinute { get; } = new(1, TimeUnit.Minute);

    /// <summary>The nominal length in milliseconds (a month counts as 30 days), for ordering timeframes.</summary>
    public long NominalMillis => Unit switch
    {
        TimeUnit.Minute => Count * MillisPerMinute,
        TimeUnit.Hour => Count * 60 * MillisPerMinute,
        TimeUnit.Day => Count * MillisPerDay,
        TimeUnit.Week => Count * 7 * MillisPerDay,
        _ => Count * 30 * MillisPerDay,
    };

    /// <summary>Parses <c>5m</c>, <c>1h</c>, <c>1d</c>, <c>1w</c> or <c>1M</c> (capital M is a month).</summary>
    public static Timeframe Parse(string text)
    {
        if (!TryParse(text, out var timeframe))
        {
            throw new FormatException(
                $"'{text}' is not a timeframe: expected a count and a unit, such as 1m, 5m, 1h, 1d, 1w or 1M (month).");
        }

        return timeframe;
    }

    public static bool TryParse(string? text, out Timeframe timeframe)
    {
        timeframe = default;
        if (string.IsNullOrEmpty(text) || text.Length < 2)
        {
            return false;
        }

        TimeUnit? unit = text[^1] switch
        {
            'm' => TimeUnit.Minute,
            'h' => TimeUnit.Hour,
            'd' => TimeUnit.Day,
            'w' => TimeUnit.Week,
            'M' => TimeUnit.Month,
            _ => null,
        };
        var digits = text.AsSpan(0, text.Length - 1);
        if (unit is null
            || !int.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var count)
            || count <= 0)
        {
            return false;
        }

        timeframe = new Timeframe(count, unit.Value);
        return true;
    }

    /// <summary>The start of the bucket that holds <paramref name="time"/> (Unix milliseconds, UTC).</summary>
    public long BucketStart(long time)
    {
        switch (Unit)
        {
            case TimeUnit.Minute:
            case TimeUnit.Hour:
            case TimeUnit.Day:
                return FloorTo(time, 0, NominalMillis);
            case TimeUnit.Week:
                return FloorTo(time, FirstMondayMillis, NominalMillis);
            default:
                var date = DateTimeOffset.FromUnixTimeMilliseconds(time);
                var monthIndex = (date.Year * 12) + date.Month - 1;
                var bucket = monthIndex - (monthIndex % Count);
                return new DateTimeOffset(bucket / 12, (bucket % 12) + 1, 1, 0, 0, 0, TimeSpan.Zero).ToUnixTimeMilliseconds();
        }
    }

    /// <summary>The end of a bar that starts at <paramref name="start"/>: the instant it becomes visible.</summary>
    public long BarEnd(long start) => Unit == TimeUnit.Month
        ? DateTimeOffset.FromUnixTimeMilliseconds(start).AddMonths(Count).ToUnixTimeMilliseconds()
        : start + NominalMillis;

    public override string ToString() => Count.ToString(CultureInfo.InvariantCulture) + Unit switch
    {
        TimeUnit.Minute => "m",
        TimeUnit.Hour => "h",
        TimeUnit.Day => "d",
        TimeUnit.Week => "w",
        _ => "M",
    };

    private static long FloorTo(long time, long origin, long length)
    {
        var offset = time - origin;
        var floored = offset - (((offset % length) + length) % length);
        return origin + floored;
    }
}
