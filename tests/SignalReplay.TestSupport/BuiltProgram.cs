namespace SignalReplay.TestSupport;

/// <summary>A program of the repository built beside the tests, in the same configuration (Debug or Release).</summary>
public static class BuiltProgram
{
    /// <summary>The path of <paramref name="assembly"/> in src/<paramref name="project"/>'s build output; a clear error when it is not built.</summary>
    public static string Path(string project, string assembly)
    {
        var configuration = AppContext.BaseDirectory.Contains($"{System.IO.Path.DirectorySeparatorChar}Debug{System.IO.Path.DirectorySeparatorChar}", StringComparison.Ordinal) ? "Debug" : "Release";
        var path = System.IO.Path.Combine(RepositoryRoot.Find()!, "src", project, "bin", configuration, "net10.0", assembly);
        return File.Exists(path) ? path : throw new FileNotFoundException($"Build {project} first: {path} is missing.", path);
    }
}
