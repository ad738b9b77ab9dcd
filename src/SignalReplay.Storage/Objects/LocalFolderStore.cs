using System.Runtime.CompilerServices;
using System.Text.Json;

namespace SignalReplay.Storage.Objects;

/// <summary>
/// The embedded default store: one file per object under a root folder. A write goes to a
/// temporary file in <c>.tmp/</c> on the same volume and is renamed into place, so a crash
/// never leaves a partial file under a final key. Tags live in <c>.meta/{key}.tags.json</c>.
/// </summary>
public sealed class LocalFolderStore : IObjectStore
{
    private const string TempFolder = ".tmp";
    private const string MetaFolder = ".meta";

    // Writes compare and swap under this lock within the process, and under an exclusive lock on
    // .meta/.lock across processes (a CLI and a host on one store), so conditional writes are atomic
    // against every other write, as a blob container's are.
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private readonly string _root;

    public LocalFolderStore(string root)
    {
        _root = Path.GetFullPath(root);
        Directory.CreateDirectory(_root);
    }

    public string Root => _root;

    public async Task<string> PutAsync(ObjectKey key, Stream content, ObjectWriteOptions? options = null, CancellationToken cancellationToken = default)
    {
        ObjectTags.Validate(key, options?.Tags);
        var path = PathOf(key);
        var temp = Path.Combine(_root, TempFolder, Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path.GetDirectoryName(temp)!);
        try
        {
            await using (var file = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16, useAsync: true))
            {
                await content.CopyToAsync(file, cancellationToken);
                await file.FlushAsync(cancellationToken);
                file.Flush(flushToDisk: true);
            }

            await _writeLock.WaitAsync(cancellationToken);
            try
            {
                using var acrossProcesses = await LockAcrossProcessesAsync(cancellationToken);
                var current = File.Exists(path) ? ETagOf(new FileInfo(path)) : null;
                CheckConditions(key, current, options);
                MakeModifiedTimeAdvance(temp, path);
                await WriteTagsAsync(key, options?.Tags, cancellationToken);
                Directory.CreateDirectory(Path.GetDirectoryName(path)!);
                File.Move(temp, path, overwrite: true);
                return ETagOf(new FileInfo(path));
            }
            finally
            {
                _writeLock.Release();
            }
        }
        finally
        {
            File.Delete(temp);
        }
    }

    public Task<ObjectContent> OpenReadAsync(ObjectKey key, CancellationToken cancellationToken = default)
    {
        FileStream stream;
        try
        {
            stream = new FileStream(PathOf(key), FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete, 1 << 16, useAsync: true);
        }
        catch (Exception error) when (error is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new ObjectNotFoundException(key, error);
        }

        // The ETag comes from the open handle, so it describes the bytes this stream reads
        // even if a writer renames a new version into place meanwhile.
        var eTag = ETagOf(File.GetLastWriteTimeUtc(stream.SafeFileHandle), stream.Length);
        return Task.FromResult(new ObjectContent(stream, eTag));
    }

    public async Task<ObjectInfo?> GetInfoAsync(ObjectKey key, CancellationToken cancellationToken = default)
    {
        var file = new FileInfo(PathOf(key));
        return file.Exists ? await InfoOfAsync(key, file, cancellationToken) : null;
    }

    public async IAsyncEnumerable<ObjectInfo> ListAsync(string prefix, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        foreach (var key in Keys(prefix))
        {
            cancellationToken.ThrowIfCancellationRequested();
            var file = new FileInfo(PathOf(key));
            if (file.Exists)
            {
                yield return await InfoOfAsync(key, file, cancellationToken);
            }
        }
    }

    public async IAsyncEnumerable<ObjectKey> ListKeysAsync(string prefix, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        foreach (var key in Keys(prefix))
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return key;
        }

        await Task.CompletedTask;
    }

    /// <summary>The keys under <paramref name="prefix"/> in ordinal order, found from the deepest folder the prefix names.</summary>
    private List<ObjectKey> Keys(string prefix)
    {
        var folder = prefix.Contains('/') ? prefix[..(prefix.LastIndexOf('/') + 1)] : string.Empty;
        var start = Path.Combine(_root, folder.Replace('/', Path.DirectorySeparatorChar));
        if (!Directory.Exists(start))
        {
            return [];
        }

        var keys = new List<ObjectKey>();
        foreach (var relative in Directory.EnumerateFiles(start, "*", SearchOption.AllDirectories)
            .Select(path => Path.GetRelativePath(_root, path).Replace(Path.DirectorySeparatorChar, '/'))
            .Where(relative => !relative.StartsWith(TempFolder + "/", StringComparison.Ordinal)
                && !relative.StartsWith(MetaFolder + "/", StringComparison.Ordinal)
                && relative.StartsWith(prefix, StringComparison.Ordinal))
            .Order(StringComparer.Ordinal))
        {
            // A file someone put there by hand with a name no key can have is not an object.
            if (ObjectKey.TryParse(relative, out var key))
            {
                keys.Add(key);
            }
        }

        return keys;
    }

    public async Task<bool> DeleteAsync(ObjectKey key, CancellationToken cancellationToken = default)
    {
        await _writeLock.WaitAsync(cancellationToken);
        try
        {
            using var acrossProcesses = await LockAcrossProcessesAsync(cancellationToken);
            var path = PathOf(key);
            var existed = File.Exists(path);
            DeleteIfExists(path);
            DeleteIfExists(TagsPathOf(key));
            return existed;
        }
        finally
        {
            _writeLock.Release();
        }
    }

    private static void CheckConditions(ObjectKey key, string? current, ObjectWriteOptions? options)
    {
        if (options?.IfNoneMatch == true && current is not null)
        {
            throw new ObjectConflictException(key, "it already exists");
        }

        if (options?.IfMatch is { } expected && expected != current)
        {
            throw new ObjectConflictException(key, current is null ? "it does not exist" : $"its ETag is {current}, not {expected}");
        }
    }

    // ETags come from (modified time, size). Two writes inside one clock tick could share a
    // modified time, so each new version is stamped strictly later than the one it replaces.
    private static void MakeModifiedTimeAdvance(string temp, string path)
    {
        var now = DateTime.UtcNow;
        if (File.Exists(path))
        {
            var previous = File.GetLastWriteTimeUtc(path);
            if (now <= previous)
            {
                now = previous.AddTicks(10);
            }
        }

        File.SetLastWriteTimeUtc(temp, now);
    }

    // File.Delete throws when the folder is missing, not only tolerates a missing file.
    private static void DeleteIfExists(string path)
    {
        if (File.Exists(path))
        {
            File.Delete(path);
        }
    }

    private static string ETagOf(FileInfo file) => ETagOf(file.LastWriteTimeUtc, file.Length);

    private static string ETagOf(DateTime modified, long length) => $"\"{modified.Ticks:x}-{length:x}\"";

    private async Task<ObjectInfo> InfoOfAsync(ObjectKey key, FileInfo file, CancellationToken cancellationToken) =>
        new(key, file.Length, ETagOf(file), new DateTimeOffset(file.LastWriteTimeUtc, TimeSpan.Zero), await ReadTagsAsync(key, cancellationToken));

    private async Task WriteTagsAsync(ObjectKey key, IReadOnlyDictionary<string, string>? tags, CancellationToken cancellationToken)
    {
        var path = TagsPathOf(key);
        if (tags is null || tags.Count == 0)
        {
            DeleteIfExists(path);
            return;
        }

        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var temp = Path.Combine(_root, TempFolder, Guid.NewGuid().ToString("N"));
        var sorted = new SortedDictionary<string, string>(tags.ToDictionary(), StringComparer.Ordinal);
        await File.WriteAllBytesAsync(temp, JsonSerializer.SerializeToUtf8Bytes(sorted), cancellationToken);
        File.Move(temp, path, overwrite: true);
    }

    private async Task<IReadOnlyDictionary<string, string>> ReadTagsAsync(ObjectKey key, CancellationToken cancellationToken)
    {
        var path = TagsPathOf(key);
        if (!File.Exists(path))
        {
            return ObjectTags.None;
        }

        await using var stream = File.OpenRead(path);
        return await JsonSerializer.DeserializeAsync<Dictionary<string, string>>(stream, cancellationToken: cancellationToken)
            ?? (IReadOnlyDictionary<string, string>)ObjectTags.None;
    }

    /// <summary>
    /// The store's write lock across processes: .NET opens a file with <see cref="FileShare.None"/> under an
    /// exclusive advisory lock (flock on Linux), so a second process waits here until the first has written.
    /// </summary>
    private async Task<FileStream> LockAcrossProcessesAsync(CancellationToken cancellationToken)
    {
        var path = Path.Combine(_root, MetaFolder, ".lock");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        for (var wait = 1; ; wait = Math.Min(2 * wait, 20))
        {
            try
            {
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, bufferSize: 1);
            }
            catch (IOException) when (File.Exists(path))
            {
                await Task.Delay(wait, cancellationToken);
            }
        }
    }

    private string PathOf(ObjectKey key) => Contained(Path.Combine(_root, key.Value.Replace('/', Path.DirectorySeparatorChar)), key);

    private string TagsPathOf(ObjectKey key) =>
        Contained(Path.Combine(_root, MetaFolder, key.Value.Replace('/', Path.DirectorySeparatorChar) + ".tags.json"), key);

    // ObjectKey already forbids '..' and absolute keys; this is the belt to those braces.
    private string Contained(string path, ObjectKey key)
    {
        var full = Path.GetFullPath(path);
        return full.StartsWith(_root + Path.DirectorySeparatorChar, StringComparison.Ordinal)
            ? full
            : throw new InvalidObjectKeyException(key.Value, "it resolves outside the store's root folder");
    }
}
