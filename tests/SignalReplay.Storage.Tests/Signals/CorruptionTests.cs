using System.Diagnostics;
using SignalReplay.Core.Generation;
using SignalReplay.Core.Portfolio;
using SignalReplay.Storage.BaseData;
using SignalReplay.Storage.Objects;
using SignalReplay.Storage.Signals;

namespace SignalReplay.Storage.Tests.Signals;

/// <summary>
/// Damaged stores (SPEC 5, 12): every index kind of a signal set and a base series file, truncated at 16 points
/// and with one byte flipped at each of 32 offsets. Each replay and each generation over the damage either
/// gives the undamaged result or fails with a <see cref="StoredDataException"/> naming the damaged file:
/// never another exception, never a run much longer than an undamaged one. Generating again over a damaged
/// index repairs it: its files are the undamaged bytes afterwards.
/// </summary>
public sealed class CorruptionTests : IDisposable
{
    private const int Truncations = 16;
    private const int Flips = 32;

    private readonly TempFolder _folder = new();
    private readonly LocalFolderStore _store;

    public CorruptionTests() => _store = new LocalFolderStore(_folder.Path);

    public void Dispose() => _folder.Dispose();

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    public static TheoryData<string> Files =>
    [
        "signals.parquet",
        "classifier_changes.parquet",
        "cross_references/symbol_alignment.parquet",
        "base:SYNA_1m",
    ];

    [Theory]
    [MemberData(nameof(Files))]
    public async Task Replay_and_generate_over_a_damaged_file_give_the_undamaged_result_or_name_the_file(string file)
    {
        var (series, strategies, classifiers) = ReplayCases.Synthetic(tradingDays: 3, seed: 11);
        await new BaseDatasetStore(_store).WriteAsync("synthetic", series, Cancel);
        var request = new GenerationRequest("synthetic", [.. series.Select(s => s.Id)], strategies, classifiers);
        var signals = new SignalSetStore(_store);
        var clean = await signals.GenerateAsync(request, cancellationToken: Cancel);
        var portfolios = PortfolioGrid.Build(strategies);
        var watch = Stopwatch.StartNew();
        var expected = (await signals.ReplayAsync(clean.Manifest.Id, portfolios, cancellationToken: Cancel)).Select(PortfolioDigest.Of).ToList();
        var normal = watch.Elapsed;
        var bound = TimeSpan.FromSeconds(5) + (20 * normal);

        var isBase = file.StartsWith("base:", StringComparison.Ordinal);
        var key = ObjectKey.Parse(isBase
            ? await new BaseDatasetStore(_store).SeriesKeyAsync("synthetic", SeriesId.Parse(file[5..]), Cancel)
            : DataLayout.SignalSetFile(clean.Manifest.Id, file));
        var setKeys = await _store.ListAsync(DataLayout.SignalSetPrefix(clean.Manifest.Id), Cancel).Select(i => i.Key).ToListAsync(Cancel);
        var pristine = new Dictionary<ObjectKey, byte[]>();
        foreach (var one in setKeys.Append(key))
        {
            pristine[one] = await _store.ReadAllBytesAsync(one, Cancel);
        }

        var bytes = pristine[key];
        var damages = Enumerable.Range(0, Truncations).Select(i => (Name: $"truncated to {bytes.Length * i / Truncations} bytes", Bytes: bytes[..(bytes.Length * i / Truncations)]))
            .Concat(Enumerable.Range(0, Flips).Select(i =>
            {
                var offset = (int)((long)(bytes.Length - 1) * i / (Flips - 1));
                var flipped = (byte[])bytes.Clone();
                flipped[offset] ^= 0xFF;
                return (Name: $"byte {offset} flipped", Bytes: flipped);
            }))
            .ToList();

        var outcomes = new Dictionary<string, int>();
        foreach (var (name, damaged) in damages)
        {
            await RestoreAsync(pristine);
            await _store.PutBytesAsync(key, damaged, cancellationToken: Cancel);
            var replay = await OutcomeAsync(
                $"replay, {file} {name}",
                key,
                bound,
                async () => Assert.Equal(expected, (await signals.ReplayAsync(clean.Manifest.Id, portfolios, cancellationToken: Cancel)).Select(PortfolioDigest.Of)));

            await RestoreAsync(pristine);
            await _store.PutBytesAsync(key, damaged, cancellationToken: Cancel);
            if (isBase)
            {
                // Over a stored set generation is a lookup that reads no bars: make it compute from the damaged file.
                await _store.DeleteAsync(ObjectKey.Parse(DataLayout.SignalSetManifest(clean.Manifest.Id)), Cancel);
            }

            var generate = await OutcomeAsync(
                $"generate, {file} {name}",
                key,
                bound,
                async () =>
                {
                    var result = await signals.GenerateAsync(request, cancellationToken: Cancel);
                    Assert.Equal(clean.Manifest, result.Manifest with { }, ManifestComparer.Instance);
                    foreach (var one in setKeys)
                    {
                        var now = await _store.ReadAllBytesAsync(one, Cancel);
                        Assert.True(pristine[one].SequenceEqual(now), $"generate, {file} {name}: {one} was not repaired");
                    }
                });
            outcomes[$"replay {replay}"] = outcomes.GetValueOrDefault($"replay {replay}") + 1;
            outcomes[$"generate {generate}"] = outcomes.GetValueOrDefault($"generate {generate}") + 1;
        }

        // A damaged file is always caught by its hash; generating again over a damaged index always repairs it.
        var counts = string.Join(", ", outcomes.Select(o => $"{o.Key}: {o.Value}"));
        Assert.True(Truncations + Flips == outcomes.GetValueOrDefault("replay named the file"), counts);
        var generated = isBase ? "generate named the file" : "generate gave the undamaged result";
        Assert.True(Truncations + Flips == outcomes.GetValueOrDefault(generated), counts);
    }

    private async Task RestoreAsync(IReadOnlyDictionary<ObjectKey, byte[]> pristine)
    {
        foreach (var (key, bytes) in pristine)
        {
            await _store.PutBytesAsync(key, bytes, cancellationToken: Cancel);
        }
    }

    /// <summary>Runs <paramref name="run"/> within <paramref name="bound"/>; the only failure allowed is a <see cref="StoredDataException"/> naming <paramref name="key"/>.</summary>
    private static async Task<string> OutcomeAsync(string what, ObjectKey key, TimeSpan bound, Func<Task> run)
    {
        var task = Task.Run(run, Cancel);
        if (await Task.WhenAny(task, Task.Delay(bound, Cancel)) != task)
        {
            Assert.Fail($"{what}: still running after {bound.TotalSeconds:F1} s");
        }

        try
        {
            await task;
            return "gave the undamaged result";
        }
        catch (StoredDataException error)
        {
            Assert.True(error.File == key.Value, $"{what}: the error names {error.File}, not the damaged {key}: {error.Message}");
            return "named the file";
        }
    }

    /// <summary>Manifests compare by their JSON, dictionaries and lists included.</summary>
    private sealed class ManifestComparer : IEqualityComparer<SignalSetManifest>
    {
        public static readonly ManifestComparer Instance = new();

        public bool Equals(SignalSetManifest? x, SignalSetManifest? y) =>
            System.Text.Json.JsonSerializer.Serialize(x) == System.Text.Json.JsonSerializer.Serialize(y);

        public int GetHashCode(SignalSetManifest obj) => 0;
    }
}
