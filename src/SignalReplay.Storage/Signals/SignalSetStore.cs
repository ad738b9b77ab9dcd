using System.Text.Json;
using SignalReplay.Core.Generation;
using SignalReplay.Core.Indices;
using SignalReplay.Storage.BaseData;
using SignalReplay.Storage.Objects;
using SignalReplay.Storage.Parquet;

namespace SignalReplay.Storage.Signals;

/// <summary>What to generate: the base dataset and series, and the deciders to run over them.</summary>
public sealed record GenerationRequest(
    string Dataset,
    IReadOnlyList<SeriesId> Series,
    IReadOnlyList<Strategy> Strategies,
    IReadOnlyList<KeyValuePair<string, Classifier>> Classifiers);

/// <summary>A request checked against its base dataset: the signal set id, the series' hashes and time spans, and the stored manifest if any.</summary>
public sealed record GenerationPlan(
    string Id,
    GenerationRequest Request,
    IReadOnlyDictionary<string, string> BaseSeriesHashes,
    IReadOnlyDictionary<SeriesId, (long First, long Last)> Spans,
    SignalSetManifest? Existing);

/// <summary>The outcome of <see cref="SignalSetStore.GenerateAsync"/>: the set's manifest and whether it was already stored.</summary>
public sealed record GenerationResult(SignalSetManifest Manifest, bool CacheHit, long BytesWritten);

/// <summary>
/// Signal sets in the store under content-addressed ids: the id hashes the base series' content, the
/// series, every decider's instance id and the engine version, so generating what exists is a lookup.
/// Index files are written first and the manifest last: a set exists only once it is whole.
/// </summary>
public sealed class SignalSetStore(IObjectStore store)
{
    private readonly BaseDatasetStore _datasets = new(store);

    /// <summary>
    /// Returns the stored set for <paramref name="request"/>, or runs <paramref name="generate"/> (by default
    /// the in-process pipeline) over the base series and stores what it captures.
    /// </summary>
    public async Task<GenerationResult> GenerateAsync(
        GenerationRequest request,
        Func<IReadOnlyList<BarSeries>, CancellationToken, Task<SignalSet>>? generate = null,
        CancellationToken cancellationToken = default)
    {
        var plan = await PlanAsync(request, cancellationToken);
        if (plan.Existing is { } existing)
        {
            return new GenerationResult(existing, CacheHit: true, BytesWritten: 0);
        }

        var series = new List<BarSeries>();
        foreach (var one in request.Series)
        {
            series.Add(await _datasets.ReadSeriesAsync(request.Dataset, one, cancellationToken));
        }

        generate ??= (bars, _) => Task.FromResult(SignalGeneration.Run(bars, request.Strategies, request.Classifiers));
        return await StoreAsync(plan, await generate(series, cancellationToken), cancellationToken);
    }

    /// <summary>
    /// Checks the request against its base dataset and names its signal set; <see cref="GenerationPlan.Existing"/>
    /// is the stored manifest when the set already exists.
    /// </summary>
    public async Task<GenerationPlan> PlanAsync(GenerationRequest request, CancellationToken cancellationToken = default)
    {
        var baseManifest = await _datasets.ReadManifestAsync(request.Dataset, cancellationToken)
            ?? throw new ArgumentException($"There is no base dataset '{request.Dataset}' (no {DataLayout.BaseManifest(request.Dataset)}).");
        var missing = request.Series.Where(s => !baseManifest.Series.ContainsKey(s.ToString())).ToList();
        if (missing.Count > 0)
        {
            throw new ArgumentException(
                $"Base dataset '{request.Dataset}' has no series {string.Join(", ", missing)}; it has {string.Join(", ", baseManifest.Series.Keys)}.");
        }

        var hashes = new SortedDictionary<string, string>(
            request.Series.ToDictionary(s => s.ToString(), s => baseManifest.Series[s.ToString()].ContentHash),
            StringComparer.Ordinal);
        var id = SignalSetId(hashes, request);
        var spans = request.Series.ToDictionary(
            s => s,
            s => (baseManifest.Series[s.ToString()].FirstTs.ToUnixTimeMilliseconds(), baseManifest.Series[s.ToString()].LastTs.ToUnixTimeMilliseconds()));
        return new GenerationPlan(id, request, hashes, spans, await ReadManifestAsync(id, cancellationToken));
    }

    /// <summary>Writes a captured set under its plan's id: index files first, the manifest last.</summary>
    public async Task<GenerationResult> StoreAsync(GenerationPlan plan, SignalSet set, CancellationToken cancellationToken = default)
    {
        var manifest = Describe(plan.Id, plan.Request, plan.BaseSeriesHashes, set);
        var bytes = await WriteAsync(manifest, set, cancellationToken);
        return new GenerationResult(manifest, CacheHit: false, bytes);
    }

    public async Task<SignalSetManifest?> ReadManifestAsync(string id, CancellationToken cancellationToken = default)
    {
        var key = DataLayout.SignalSetManifest(id);
        try
        {
            var bytes = await store.ReadAllBytesAsync(ObjectKey.Parse(key), cancellationToken);
            var manifest = JsonSerializer.Deserialize<SignalSetManifest>(bytes, BaseDatasetStore.Json)
                ?? throw new StoredDataException(key, "is empty.");
            return manifest.FormatVersion == SignalSetManifest.CurrentFormatVersion
                ? manifest
                : throw new StoredDataException(
                    key, $"is signal set format version {manifest.FormatVersion}; this build reads version {SignalSetManifest.CurrentFormatVersion}: generate the signals again.");
        }
        catch (ObjectNotFoundException)
        {
            return null;
        }
        catch (JsonException error)
        {
            throw new StoredDataException(key, $"is not a readable signal set manifest ({error.Message})", error);
        }
    }

    /// <summary>Loads every index of a stored set.</summary>
    public async Task<SignalSet> ReadAsync(string id, CancellationToken cancellationToken = default)
    {
        var manifest = await ReadManifestAsync(id, cancellationToken)
            ?? throw new ArgumentException($"There is no signal set '{id}' (no {DataLayout.SignalSetManifest(id)}).");
        var signals = new List<SignalIndex>();
        foreach (var instance in manifest.Strategies)
        {
            signals.Add(await ReadFileAsync(DataLayout.SignalFile(id, instance), SignalIndexParquet.ReadAsync, cancellationToken));
        }

        var changes = new List<ClassifierChangeIndex>();
        foreach (var name in manifest.Classifiers.Keys)
        {
            changes.Add(await ReadFileAsync(DataLayout.ClassifierChangesFile(id, name), ClassifierChangeParquet.ReadAsync, cancellationToken));
        }

        var alignments = await ReadFileAsync(DataLayout.AlignmentFile(id), AlignmentParquet.ReadAsync, cancellationToken);
        return new SignalSet(
            signals,
            changes,
            alignments,
            manifest.Bars.ToDictionary(p => SeriesId.Parse(p.Key), p => p.Value),
            manifest.ClassifierSeries.ToDictionary(p => p.Key, p => SeriesId.Parse(p.Value)));
    }

    /// <summary>
    /// Refuses a set whose base series changed since it was generated: its bar_idx would point at other bars.
    /// </summary>
    public async Task EnsureBaseUnchangedAsync(SignalSetManifest manifest, CancellationToken cancellationToken = default)
    {
        var current = await _datasets.ReadManifestAsync(manifest.Dataset, cancellationToken)
            ?? throw new ArgumentException($"Signal set {manifest.Id} was generated from base dataset '{manifest.Dataset}', which no longer exists.");
        foreach (var (series, hash) in manifest.BaseSeriesHashes)
        {
            if (!current.Series.TryGetValue(series, out var entry) || entry.ContentHash != hash)
            {
                throw new ArgumentException(
                    $"Signal set {manifest.Id} was generated from {manifest.Dataset}/{series} with content hash {hash[..12]}, "
                    + $"but the base dataset now has {(entry is null ? "no such series" : entry.ContentHash[..12])}; regenerate the signals.");
            }
        }
    }

    private static string SignalSetId(IReadOnlyDictionary<string, string> hashes, GenerationRequest request)
    {
        var canonical = string.Join('\n',
        [
            SignalSetManifest.CurrentEngine,
            .. hashes.Select(p => $"series {p.Key} {p.Value}"),
            .. request.Strategies.Select(s => $"strategy {s.InstanceId}").Order(StringComparer.Ordinal),
            .. request.Classifiers.Select(c => $"classifier {c.Key} {c.Value.InstanceId}").Order(StringComparer.Ordinal),
        ]);
        return "ss-" + Hashing.Sha256Hex(canonical)[..24];
    }

    private static SignalSetManifest Describe(string id, GenerationRequest request, IReadOnlyDictionary<string, string> hashes, SignalSet set)
    {
        var bars = new SortedDictionary<string, int>(set.BarsPerSeries.ToDictionary(p => p.Key.ToString(), p => p.Value), StringComparer.Ordinal);
        var signals = new SortedDictionary<string, SignalCounts>(StringComparer.Ordinal);
        foreach (var index in set.Signals)
        {
            var primaryBars = set.BarsPerSeries[index.PrimarySeries];
            signals[index.StrategyInstance] = new SignalCounts(
                index.PrimarySeries.ToString(), index.Count, primaryBars, primaryBars == 0 ? 0 : Math.Round((double)index.Count / primaryBars, 6));
        }

        return new SignalSetManifest(
            id,
            SignalSetManifest.CurrentFormatVersion,
            SignalSetManifest.CurrentEngine,
            request.Dataset,
            hashes,
            [.. set.Signals.Select(s => s.StrategyInstance)],
            new SortedDictionary<string, string>(request.Classifiers.ToDictionary(c => c.Key, c => c.Value.InstanceId), StringComparer.Ordinal),
            bars,
            signals,
            new SortedDictionary<string, int>(set.ClassifierChanges.ToDictionary(c => c.Classifier, c => c.Count), StringComparer.Ordinal),
            new SortedDictionary<string, string>(set.ClassifierSeries.ToDictionary(p => p.Key, p => p.Value.ToString()), StringComparer.Ordinal),
            set.Alignments.Sum(a => a.RowCount));
    }

    private async Task<long> WriteAsync(SignalSetManifest manifest, SignalSet set, CancellationToken cancellationToken)
    {
        long bytes = 0;
        foreach (var index in set.Signals)
        {
            bytes += await PutAsync(DataLayout.SignalFile(manifest.Id, index.StrategyInstance), s => SignalIndexParquet.WriteAsync(index, s, cancellationToken), cancellationToken);
        }

        foreach (var changes in set.ClassifierChanges)
        {
            bytes += await PutAsync(DataLayout.ClassifierChangesFile(manifest.Id, changes.Classifier), s => ClassifierChangeParquet.WriteAsync(changes, s, cancellationToken), cancellationToken);
        }

        bytes += await PutAsync(DataLayout.AlignmentFile(manifest.Id), s => AlignmentParquet.WriteAsync(set.Alignments, s, cancellationToken), cancellationToken);
        var json = JsonSerializer.SerializeToUtf8Bytes(manifest, BaseDatasetStore.Json);
        try
        {
            await store.PutBytesAsync(ObjectKey.Parse(DataLayout.SignalSetManifest(manifest.Id)), json, new ObjectWriteOptions { IfNoneMatch = true }, cancellationToken);
        }
        catch (ObjectConflictException)
        {
            // Someone generated the same content-addressed set meanwhile: theirs is the same bits.
        }

        return bytes + json.Length;
    }

    private async Task<long> PutAsync(string key, Func<Stream, Task> write, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        await write(buffer);
        buffer.Position = 0;
        await store.PutAsync(ObjectKey.Parse(key), buffer, cancellationToken: cancellationToken);
        return buffer.Length;
    }

    private async Task<T> ReadFileAsync<T>(string key, Func<Stream, string, CancellationToken, Task<T>> read, CancellationToken cancellationToken)
    {
        var bytes = await store.ReadAllBytesAsync(ObjectKey.Parse(key), cancellationToken);
        return await read(new MemoryStream(bytes), key, cancellationToken);
    }
}
