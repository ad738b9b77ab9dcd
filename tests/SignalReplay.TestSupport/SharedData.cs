namespace SignalReplay.TestSupport;

/// <summary>The real market data in <c>../shared/data</c> beside the repository, which a user's clone may lack.</summary>
public static class SharedData
{
    private static readonly Lazy<string?> RootPath = new(FindRoot);

    /// <summary>The data folder, or null when it is not beside this checkout.</summary>
    public static string? Root => RootPath.Value;

    /// <summary>The path of <paramref name="relative"/> under the data folder; skips the test (fails it in CI) when absent.</summary>
    public static string Require(string relative)
    {
        var root = Root;
        if (root is null)
        {
            Prerequisite.Missing(
                "the shared market data (../shared/data beside the repository, or SIGNALREPLAY_SHARED_DATA) is not on this machine");
            throw new UnreachableException();
        }

        var path = Path.Combine(root, relative);
        if (!File.Exists(path) && !Directory.Exists(path))
        {
            Prerequisite.Missing($"the shared market data has no '{relative}' under {root}");
        }

        return path;
    }

    private static string? FindRoot()
    {
        var configured = Environment.GetEnvironmentVariable("SIGNALREPLAY_SHARED_DATA");
        if (!string.IsNullOrEmpty(configured))
        {
            return Directory.Exists(configured) ? Path.GetFullPath(configured) : null;
        }

        var repository = RepositoryRoot.Find();
        var candidate = repository is null ? null : Path.Combine(repository, "..", "shared", "data");
        return candidate is not null && Directory.Exists(candidate) ? Path.GetFullPath(candidate) : null;
    }
}
