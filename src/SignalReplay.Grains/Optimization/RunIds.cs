using System.Globalization;
using System.Security.Cryptography;

namespace SignalReplay.Grains.Optimization;

/// <summary>Run ids: <c>{name}-{yyyyMMdd-HHmmss}-{4 hex}</c>, readable, sortable by start, unique enough for concurrent submissions.</summary>
public static class RunIds
{
    public static string New(string name)
    {
        var stamp = DateTimeOffset.UtcNow.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture);
        var suffix = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(2));
        return $"{(name.Length > 40 ? name[..40] : name)}-{stamp}-{suffix}";
    }
}
