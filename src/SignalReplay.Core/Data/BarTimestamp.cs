using System.Globalization;

namespace SignalReplay.Core.Data;

/// <summary>
/// Parses the timestamp forms market data arrives in: ISO 8601 with <c>Z</c> or an offset,
/// plain dates (UTC midnight), epoch seconds and epoch milliseconds.
/// </summary>
public static class BarTimestamp
{
    // 1e11 seconds is the year 5138; 1e11 milliseconds is 1973. Anything that large is milliseconds.
    private const long MillisecondsThreshold = 100_000_000_000;

    /// <summary>Unix milliseconds UTC, or the reason <paramref name="text"/> is not a timestamp.</summary>
    public static bool TryParse(string text, out long time, out string? reason)
    {
        time = 0;
        reason = null;
        if (long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var epoch))
        {
            try
            {
                time = Math.Abs(epoch) >= MillisecondsThreshold ? epoch : checked(epoch * 1000);
                DateTimeOffset.FromUnixTimeMilliseconds(time);
                return true;
            }
            catch (Exception error) when (error is OverflowException or ArgumentOutOfRangeException)
            {
                reason = $"timestamp '{text}' is out of range";
                return false;
            }
        }

        if (DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
        {
            time = new DateTimeOffset(date.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero).ToUnixTimeMilliseconds();
            return true;
        }

        // RoundtripKind tells a zoned text (Utc or Local kind) from one with no zone (Unspecified).
        if (!DateTime.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var parsed)
            || !DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var instant))
        {
            reason = $"'{text}' is not a timestamp (ISO 8601 with Z or an offset, a yyyy-MM-dd date, or epoch seconds or milliseconds)";
            return false;
        }

        if (parsed.Kind == DateTimeKind.Unspecified)
        {
            reason = $"timestamp '{text}' has no time zone; write it in UTC with a Z, such as {instant.UtcDateTime:yyyy-MM-dd'T'HH:mm:ss}Z";
            return false;
        }

        time = instant.ToUnixTimeMilliseconds();
        return true;
    }
}
