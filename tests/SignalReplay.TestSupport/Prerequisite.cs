namespace SignalReplay.TestSupport;

/// <summary>
/// What a test does when something outside the repository is missing: on a user's clone it
/// skips with the reason; under <c>CI=true</c> the missing piece is a broken CI, so it fails.
/// </summary>
public static class Prerequisite
{
    public static bool RunningInCi =>
        string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    /// <summary>Skips (or, in CI, fails) the current test with <paramref name="reason"/>.</summary>
    public static void Missing(string reason)
    {
        if (RunningInCi)
        {
            throw new InvalidOperationException($"CI=true, so this cannot be skipped: {reason}");
        }

        Assert.Skip(reason);
    }
}
