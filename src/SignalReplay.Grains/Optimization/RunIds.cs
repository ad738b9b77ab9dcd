using System.Globalization;
using System.Security.Cryptography;
using SignalReplay.Storage;

namespace SignalReplay.Grains.Optimization;

/// <summary>
/// Run ids: <c>{name}-{yyyyMMdd-HHmmss}-{16 hex}</c>, readable and sortable by start; the 64 random bits make two
/// submissions in one second collide with odds of one in 2^64, not 2^16. The name is cut so the id stays a valid
/// store name (<see cref="DataLayout.Name.MaxLength"/> characters).
/// </summary>
public static class RunIds
{
    private const int RandomBytes = 8;

    /// <summary>The longest part of the run's name an id keeps: what the stamp and the random suffix leave.</summary>
    public const int MaxNameLength = DataLayout.Name.MaxLength - 17 - (2 * RandomBytes); // 17: "-yyyyMMdd-HHmmss-"

    public static string New(string name)
    {
        var stamp = DateTimeOffset.UtcNow.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture);
        var suffix = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(RandomBytes));
        return $"{(name.Length > MaxNameLength ? name[..MaxNameLength] : name)}-{stamp}-{suffix}";
    }
}
