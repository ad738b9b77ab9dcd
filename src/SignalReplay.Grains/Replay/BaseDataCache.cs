using System.Collections.Concurrent;
using SignalReplay.Core.Generation;
using SignalReplay.Core.Replay;
using SignalReplay.Storage.BaseData;
using SignalReplay.Storage.Objects;
using SignalReplay.Storage.Signals;

namespace SignalReplay.Grains.Replay;

/// <summary>
/// Base series and signal sets, loaded once per silo and shared by every grain on it (SPEC 6: never
/// once per portfolio). Both are immutable, so sharing needs no locks beyond the first load.
/// </summary>
public sealed class BaseDataCache(IObjectStore store)
{
    private readonly ConcurrentDictionary<string, Lazy<Task<BarSeries>>> _series = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Lazy<Task<(SignalSetManifest, SignalSet)>>> _sets = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Lazy<Task<BarTable>>> _tables = new(StringComparer.Ordinal);
    private int _loads;

    /// <summary>How many objects this silo has loaded from the store: base series plus signal sets.</summary>
    public int Loads => _loads;

    public Task<BarSeries> SeriesAsync(string dataset, SeriesId series) =>
        _series.GetOrAdd($"{dataset}/{series}", _ => new Lazy<Task<BarSeries>>(() =>
        {
            Interlocked.Increment(ref _loads);
            return new BaseDatasetStore(store).ReadSeriesAsync(dataset, series);
        })).Value;

    /// <summary>The event-time structures over a series (SPEC 6), built once per silo from its one copy of the bars.</summary>
    public Task<BarTable> TableAsync(string dataset, SeriesId series) =>
        _tables.GetOrAdd($"{dataset}/{series}", _ => new Lazy<Task<BarTable>>(async () => new BarTable(await SeriesAsync(dataset, series)))).Value;

    public Task<(SignalSetManifest Manifest, SignalSet Set)> SignalSetAsync(string id) =>
        _sets.GetOrAdd(id, _ => new Lazy<Task<(SignalSetManifest, SignalSet)>>(async () =>
        {
            Interlocked.Increment(ref _loads);
            var signals = new SignalSetStore(store);
            var manifest = await signals.ReadManifestAsync(id) ?? throw new ArgumentException($"There is no signal set '{id}'.");
            return (manifest, await signals.ReadAsync(id));
        })).Value;
}
