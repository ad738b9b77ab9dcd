using SignalReplay.Storage.Objects;

namespace SignalReplay.Cli;

/// <summary>The local folder store the CLI works on by default.</summary>
internal sealed record LocalStore(string Root, IObjectStore Objects)
{
    public static LocalStore Open(string root)
    {
        var full = Path.GetFullPath(root);
        return new LocalStore(full, new LocalFolderStore(full));
    }
}
