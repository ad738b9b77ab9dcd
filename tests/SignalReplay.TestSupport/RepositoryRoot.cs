namespace SignalReplay.TestSupport;

/// <summary>Finds the checkout that the running tests were built from.</summary>
public static class RepositoryRoot
{
    /// <summary>The nearest folder above the test binaries that holds <c>Orleans.sln</c>, or null.</summary>
    public static string? Find()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "Orleans.sln")))
            {
                return folder.FullName;
            }
        }

        return null;
    }
}
