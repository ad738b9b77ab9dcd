using System.Text.Json;
using SignalReplay.Core.Generation;
using SignalReplay.Core.Indices;
using SignalReplay.Core.Portfolio;
using SignalReplay.Core.Replay;
using SignalReplay.Storage.BaseData;
using SignalReplay.Storage.Objects;
using SignalReplay.Storage.Parquet;
using Names = SignalReplay.Storage.Signals.SignalSetManifest.FileNames;

namespace SignalReplay.Storage.Signals;

/// <summary>
/// A request checked against its base dataset: the signal set id, the series' hashes and time spans, the
/// stored manifest if the set is stored whole, and why a stored set has to be written again if it is damaged.
/// </summary>
public sealed record GenerationPlan(
    string Id,
    GenerationRequest Request,
    IReadOnlyDictionary<string, string> BaseSeriesHashes,
    IReadOnlyDictionary<SeriesId, (long First, long Last)> Spans,
    SignalSetManifest? Existing,
    string? Damage = null)
{
    /// <summary>Plugin code the set's deciders run (see <see cref="SignalSetManifest.Code"/>); empty for built-ins only.</summary>
    public IReadOnlyDictionary<string, string> Code { get; init; } = new SortedDictionary<string, string>(StringComparer.Ordinal);
}

/// <summary>
/// The outcome of <see cref="SignalSetStore.GenerateAsync"/>: the set's manifest, whether it was already
/// stored whole, and, when a damaged set was written again, what was wrong with it.
/// </summary>
public sealed record GenerationResult(SignalSetManifest Manifest, bool CacheHit, long BytesWritten, string? Repaired = null);

/// <summary>A stored signal set, read and verified against its manifest and its base data.</summary>
public sealed record StoredSignalSet(SignalSetManifest Manifest, SignalSet Set);

/// <summary>
/// Signal sets in the store under content-addressed ids: the id hashes the base series' content, the
/// series, every decider's instance id and the engine version, so generating what exists is a lookup.
/// Index files are written first and the manifest last: a set exists only once it is whole. Every read
/// checks each file against the sha256, size and row count its manifest records, and every bar_idx
/// against its series: a damaged set is one error naming the file, and generating it again rewrites it.
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
    /// is the stored manifest when the set is stored and every file matches it (a cache hit is verified first).
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
        var code = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var (what, identity) in request.Strategies.Cast<Decider>().Concat(request.Classifiers.Select(c => c.Value)).SelectMany(DeciderRegistry.Default.CodeOf))
        {
            code[what] = identity;
        }

        var id = SignalSetId(
            SignalSetManifest.CurrentEngine,
            hashes,
            [.. request.Strategies.Select(s => s.InstanceId)],
            request.Classifiers.Select(c => KeyValuePair.Create(c.Key, c.Value.InstanceId)),
            code);
        var spans = request.Series.ToDictionary(
            s => s,
            s => (baseManifest.Series[s.ToString()].FirstTs.ToUnixTimeMilliseconds(), baseManifest.Series[s.ToString()].LastTs.ToUnixTimeMilliseconds()));
        var (existing, damage) = await FindWholeAsync(id, cancellationToken);
        return new GenerationPlan(id, request, hashes, spans, existing, damage) { Code = code };
    }

    /// <summary>
    /// Writes a captured set under its plan's id: index files first (over any damaged ones), the manifest last.
    /// </summary>
    public async Task<GenerationResult> StoreAsync(GenerationPlan plan, SignalSet set, CancellationToken cancellationToken = default)
    {
        var signals = set.Signals.OrderBy(s => s.StrategyInstance, StringComparer.Ordinal).ToList();
        var changes = set.ClassifierChanges.OrderBy(c => c.Classifier, StringComparer.Ordinal).ToList();
        var files = new SortedDictionary<string, StoredFile>(StringComparer.Ordinal)
        {
            [Names.Signals] = await PutAsync(plan.Id, Names.Signals, signals.Sum(s => s.Count), s => SignalIndexParquet.WriteAsync(signals, s, cancellationToken), cancellationToken),
            [Names.ClassifierChanges] = await PutAsync(plan.Id, Names.ClassifierChanges, changes.Sum(c => c.Count), s => ClassifierChangeParquet.WriteAsync(changes, s, cancellationToken), cancellationToken),
            [Names.Alignment] = await PutAsync(plan.Id, Names.Alignment, set.Alignments.Sum(a => a.RowCount), s => AlignmentParquet.WriteAsync(set.Alignments, s, cancellationToken), cancellationToken),
        };
        var manifest = Describe(plan, set, files);
        var json = JsonSerializer.SerializeToUtf8Bytes(manifest, BaseDatasetStore.Json);
        try
        {
            // Over a damaged manifest, unconditionally; otherwise only if nobody stored the set meanwhile.
            await store.PutBytesAsync(
                ObjectKey.Parse(DataLayout.SignalSetManifest(manifest.Id)), json, plan.Damage is null ? new ObjectWriteOptions { IfNoneMatch = true } : null, cancellationToken);
        }
        catch (ObjectConflictException)
        {
            // Someone generated the same content-addressed set meanwhile: theirs is the same bits.
        }

        return new GenerationResult(manifest, CacheHit: false, files.Values.Sum(f => f.Bytes) + json.Length, plan.Damage);
    }

    /// <summary>
    /// The manifest of set <paramref name="id"/>, or null when there is none. A manifest that does not read, is
    /// of another format, or whose lineage does not hash to its id or whose parts disagree is a
    /// <see cref="StoredDataException"/> naming it.
    /// </summary>
    public async Task<SignalSetManifest?> ReadManifestAsync(string id, CancellationToken cancellationToken = default)
    {
        var key = DataLayout.SignalSetManifest(id);
        byte[] bytes;
        try
        {
            bytes = await store.ReadAllBytesAsync(ObjectKey.Parse(key), cancellationToken);
        }
        catch (ObjectNotFoundException)
        {
            return null;
        }

        SignalSetManifest manifest;
        try
        {
            using var document = JsonDocument.Parse(bytes);
            var version = document.RootElement.TryGetProperty("format_version", out var v) && v.TryGetInt32(out var n) ? n : 0;
            if (version != SignalSetManifest.CurrentFormatVersion)
            {
                throw new StoredDataException(
                    key, $"is signal set format version {version}; this build reads version {SignalSetManifest.CurrentFormatVersion}: generate the signals again.");
            }

            manifest = document.Deserialize<SignalSetManifest>(BaseDatasetStore.Json) ?? throw new StoredDataException(key, "is empty.");
        }
        catch (JsonException error)
        {
            throw new StoredDataException(key, $"is not a readable signal set manifest ({error.Message})", error);
        }

        Check(key, id, manifest);
        return manifest;
    }

    /// <summary>Loads a stored set (all its strategy instances, or those in <paramref name="wanted"/>), verifying every file it reads.</summary>
    public async Task<SignalSet> ReadAsync(string id, IReadOnlySet<string>? wanted = null, CancellationToken cancellationToken = default)
    {
        var manifest = await ReadManifestAsync(id, cancellationToken)
            ?? throw new ArgumentException($"There is no signal set '{id}' (no {DataLayout.SignalSetManifest(id)}).");
        return await ReadAsync(manifest, wanted, cancellationToken);
    }

    /// <inheritdoc cref="ReadAsync(string, IReadOnlySet{string}?, CancellationToken)"/>
    public Task<SignalSet> ReadAsync(string id, CancellationToken cancellationToken) => ReadAsync(id, null, cancellationToken);

    /// <summary>
    /// The one call to get a set ready to replay: its manifest, checked against the base data it was generated
    /// from, and its indices (all, or the strategy instances in <paramref name="wanted"/>), every file verified.
    /// </summary>
    public async Task<StoredSignalSet> OpenAsync(string id, IReadOnlySet<string>? wanted = null, CancellationToken cancellationToken = default)
    {
        var manifest = await ReadManifestAsync(id, cancellationToken)
            ?? throw new ArgumentException($"There is no signal set '{id}' (no {DataLayout.SignalSetManifest(id)}).");
        await EnsureBaseUnchangedAsync(manifest, cancellationToken);
        if (wanted?.FirstOrDefault(s => !manifest.Signals.ContainsKey(s)) is { } unknown)
        {
            throw new ArgumentException($"Signal set {id} does not hold strategy '{unknown}'; it holds {Backtest.Listing(manifest.Strategies)}.");
        }

        return new StoredSignalSet(manifest, await ReadAsync(manifest, wanted, cancellationToken));
    }

    /// <summary>
    /// Replays stored set <paramref name="id"/> into <paramref name="portfolios"/> in-process: the set and its base
    /// series are read and verified, and every portfolio is checked against what the set holds.
    /// </summary>
    public async Task<IReadOnlyList<PortfolioResult>> ReplayAsync(
        string id, IReadOnlyList<PortfolioConfig> portfolios, bool eventTime = true, CancellationToken cancellationToken = default)
    {
        var wanted = portfolios.SelectMany(p => p.Assignments).Select(a => a.StrategyInstance).ToHashSet(StringComparer.Ordinal);
        var (manifest, set) = await OpenAsync(id, wanted, cancellationToken);
        var series = new List<BarSeries>();
        foreach (var name in manifest.Bars.Keys)
        {
            series.Add(await _datasets.ReadSeriesAsync(manifest.Dataset, SeriesId.Parse(name), cancellationToken));
        }

        return Backtest.FromSignalSet(series, set, portfolios, eventTime);
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
            if (!current.Series.TryGetValue(series, out var entry) || entry.ContentHash != hash || entry.Rows != manifest.Bars[series])
            {
                throw new ArgumentException(
                    $"Signal set {manifest.Id} was generated from {manifest.Dataset}/{series} with content hash {hash[..12]} ({manifest.Bars[series]} bars), "
                    + $"but the base dataset now has {(entry is null ? "no such series" : $"{entry.ContentHash[..12]} ({entry.Rows} bars)")}; regenerate the signals.");
            }
        }
    }

    /// <summary>The stored set if it is whole (its manifest reads and every file matches it); a damaged one is (null, what is wrong).</summary>
    private async Task<(SignalSetManifest? Manifest, string? Damage)> FindWholeAsync(string id, CancellationToken cancellationToken)
    {
        try
        {
            var manifest = await ReadManifestAsync(id, cancellationToken);
            if (manifest is not null)
            {
                foreach (var name in Names.All)
                {
                    await ReadVerifiedAsync(manifest, name, cancellationToken);
                }
            }

            return (manifest, null);
        }
        catch (StoredDataException damage)
        {
            return (null, damage.Message);
        }
    }

    private async Task<SignalSet> ReadAsync(SignalSetManifest manifest, IReadOnlySet<string>? wanted, CancellationToken cancellationToken)
    {
        var bars = manifest.Bars.ToDictionary(p => SeriesId.Parse(p.Key), p => p.Value);
        var layout = manifest.Strategies.Select(instance =>
        {
            var counts = manifest.Signals[instance];
            return new PackedSignals(instance, SeriesId.Parse(counts.PrimarySeries), [.. counts.ReferencedSeries.Select(SeriesId.Parse)], counts.Changes);
        }).ToList();
        var signals = await SignalIndexParquet.ReadAsync(
            await ReadVerifiedAsync(manifest, Names.Signals, cancellationToken), Key(manifest, Names.Signals), layout, bars, wanted, cancellationToken);
        var changes = await ClassifierChangeParquet.ReadAsync(
            await ReadVerifiedAsync(manifest, Names.ClassifierChanges, cancellationToken),
            Key(manifest, Names.ClassifierChanges),
            [.. manifest.ClassifierChanges.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => (p.Key, SeriesId.Parse(manifest.ClassifierSeries[p.Key]), p.Value))],
            bars,
            cancellationToken);
        var alignments = await AlignmentParquet.ReadAsync(
            await ReadVerifiedAsync(manifest, Names.Alignment, cancellationToken), Key(manifest, Names.Alignment), bars, cancellationToken);
        return new SignalSet(
            signals,
            changes,
            alignments,
            bars,
            manifest.ClassifierSeries.ToDictionary(p => p.Key, p => SeriesId.Parse(p.Value)));
    }

    /// <summary>The bytes of one of the set's files, refused unless they are exactly the ones its manifest records.</summary>
    private async Task<MemoryStream> ReadVerifiedAsync(SignalSetManifest manifest, string name, CancellationToken cancellationToken)
    {
        var key = Key(manifest, name);
        var expected = manifest.Files[name];
        byte[] bytes;
        try
        {
            bytes = await store.ReadAllBytesAsync(ObjectKey.Parse(key), cancellationToken);
        }
        catch (ObjectNotFoundException)
        {
            throw new StoredDataException(key, "is missing; its manifest lists it. Generate the signals again to rewrite it.");
        }

        var sha = Hashing.Sha256Hex(bytes);
        if (bytes.LongLength != expected.Bytes || sha != expected.Sha256)
        {
            throw new StoredDataException(
                key,
                $"does not match its manifest ({bytes.LongLength:N0} bytes, sha256 {sha[..12]}; the manifest records {expected.Bytes:N0} bytes, {expected.Sha256[..Math.Min(12, expected.Sha256.Length)]}): "
                + "it was damaged or changed after it was written. Generate the signals again to rewrite it.");
        }

        return new MemoryStream(bytes, writable: false);
    }

    private static string Key(SignalSetManifest manifest, string name) => DataLayout.SignalSetFile(manifest.Id, name);

    /// <summary>
    /// The content address: engine, base series content, strategy instances and classifiers, and the identity of any plugin code
    /// they run, each in canonical (ordinal) order, so neither the order series nor deciders were listed in changes it. Without
    /// plugins it is the address of the builds before plugins existed.
    /// </summary>
    private static string SignalSetId(
        string engine,
        IReadOnlyDictionary<string, string> hashes,
        IEnumerable<string> strategies,
        IEnumerable<KeyValuePair<string, string>> classifiers,
        IReadOnlyDictionary<string, string>? code)
    {
        var canonical = string.Join('\n',
        [
            engine,
            .. hashes.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"series {p.Key} {p.Value}"),
            .. strategies.Select(s => $"strategy {s}").Order(StringComparer.Ordinal),
            .. classifiers.Select(c => $"classifier {c.Key} {c.Value}").Order(StringComparer.Ordinal),
            .. (code ?? new Dictionary<string, string>()).Select(c => $"code {c.Key} {c.Value}").Order(StringComparer.Ordinal),
        ]);
        return "ss-" + Hashing.Sha256Hex(canonical)[..24];
    }

    /// <summary>Checks that a manifest is the one of set <paramref name="id"/> and that its parts agree with each other.</summary>
    private static void Check(string key, string id, SignalSetManifest manifest)
    {
        void Require(bool holds, string problem)
        {
            if (!holds)
            {
                throw new StoredDataException(key, problem);
            }
        }

        Require(manifest.Id == id, $"names signal set '{manifest.Id}', not '{id}'.");
        Require(manifest.Engine == SignalSetManifest.CurrentEngine, $"was written by engine {manifest.Engine}; this build generates with {SignalSetManifest.CurrentEngine}: generate the signals again.");
        var lineage = SignalSetId(manifest.Engine, manifest.BaseSeriesHashes, manifest.Strategies, manifest.Classifiers, manifest.Code);
        Require(lineage == id, $"records inputs (base series, strategies, classifiers) that hash to {lineage}, not to its id {id}: it was edited or damaged.");
        Require(manifest.Strategies.SequenceEqual(manifest.Strategies.Order(StringComparer.Ordinal)) && manifest.Strategies.Distinct().Count() == manifest.Strategies.Count,
            "lists its strategy instances out of order or twice.");
        Require(manifest.Signals.Keys.Order(StringComparer.Ordinal).SequenceEqual(manifest.Strategies),
            "has signal counts for other strategy instances than it lists.");
        Require(manifest.ClassifierChanges.Keys.Order(StringComparer.Ordinal).SequenceEqual(manifest.Classifiers.Keys.Order(StringComparer.Ordinal))
            && manifest.ClassifierSeries.Keys.Order(StringComparer.Ordinal).SequenceEqual(manifest.Classifiers.Keys.Order(StringComparer.Ordinal)),
            "has change counts or series for other classifiers than it lists.");
        Require(manifest.Bars.Keys.Order(StringComparer.Ordinal).SequenceEqual(manifest.BaseSeriesHashes.Keys.Order(StringComparer.Ordinal)),
            "counts bars of other series than it was generated from.");
        Require(manifest.Files.Keys.Order(StringComparer.Ordinal).SequenceEqual(Names.All.Order(StringComparer.Ordinal)), $"does not list exactly the files {string.Join(", ", Names.All)}.");
        foreach (var (instance, counts) in manifest.Signals)
        {
            Require(
                new[] { counts.PrimarySeries }.Concat(counts.ReferencedSeries).All(manifest.Bars.ContainsKey) && counts.Changes >= 0,
                $"gives strategy '{instance}' a series it does not count bars of, or a negative count.");
        }

        Require(manifest.ClassifierSeries.Values.All(manifest.Bars.ContainsKey) && manifest.ClassifierChanges.Values.All(c => c >= 0),
            "gives a classifier a series it does not count bars of, or a negative count.");
        Require(manifest.Files[Names.Signals].Rows == manifest.Signals.Values.Sum(c => (long)c.Changes), $"counts other rows for {Names.Signals} than its strategies' changes add up to.");
        Require(manifest.Files[Names.ClassifierChanges].Rows == manifest.ClassifierChanges.Values.Sum(c => (long)c), $"counts other rows for {Names.ClassifierChanges} than its classifiers' changes add up to.");
        Require(manifest.Files[Names.Alignment].Rows == manifest.AlignmentRows, $"counts other rows for {Names.Alignment} than its alignment rows.");
        foreach (var series in manifest.Bars.Keys)
        {
            try
            {
                SeriesId.Parse(series);
            }
            catch (FormatException error)
            {
                throw new StoredDataException(key, error.Message, error);
            }
        }
    }

    private static SignalSetManifest Describe(GenerationPlan plan, SignalSet set, IReadOnlyDictionary<string, StoredFile> files)
    {
        var bars = new SortedDictionary<string, int>(set.BarsPerSeries.ToDictionary(p => p.Key.ToString(), p => p.Value), StringComparer.Ordinal);
        var signals = new SortedDictionary<string, SignalCounts>(StringComparer.Ordinal);
        foreach (var index in set.Signals)
        {
            var primaryBars = set.BarsPerSeries[index.PrimarySeries];
            signals[index.StrategyInstance] = new SignalCounts(
                index.PrimarySeries.ToString(),
                [.. index.ReferencedSeries.Select(s => s.ToString())],
                index.Count,
                primaryBars,
                primaryBars == 0 ? 0 : Math.Round((double)index.Count / primaryBars, 6));
        }

        return new SignalSetManifest(
            plan.Id,
            SignalSetManifest.CurrentFormatVersion,
            SignalSetManifest.CurrentEngine,
            plan.Request.Dataset,
            plan.BaseSeriesHashes,
            [.. signals.Keys],
            new SortedDictionary<string, string>(plan.Request.Classifiers.ToDictionary(c => c.Key, c => c.Value.InstanceId), StringComparer.Ordinal),
            bars,
            signals,
            new SortedDictionary<string, int>(set.ClassifierChanges.ToDictionary(c => c.Classifier, c => c.Count), StringComparer.Ordinal),
            new SortedDictionary<string, string>(set.ClassifierSeries.ToDictionary(p => p.Key, p => p.Value.ToString()), StringComparer.Ordinal),
            set.Alignments.Sum(a => a.RowCount),
            files)
        {
            Code = plan.Code.Count == 0 ? null : plan.Code,
        };
    }

    /// <summary>Encodes one file of the set, stores it over whatever is there, and describes it for the manifest.</summary>
    private async Task<StoredFile> PutAsync(string id, string name, long rows, Func<Stream, Task> write, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        await write(buffer);
        var bytes = buffer.ToArray();
        await store.PutBytesAsync(ObjectKey.Parse(DataLayout.SignalSetFile(id, name)), bytes, cancellationToken: cancellationToken);
        return new StoredFile(Hashing.Sha256Hex(bytes), bytes.LongLength, rows);
    }
}
