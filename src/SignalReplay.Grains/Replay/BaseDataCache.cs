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
    private readonly ConcurrentDictionary<string, Lazy<Task<StoredSignalSet>>> _sets = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Lazy<Task<BarTable>>> _tables = new(StringComparer.Ordinal);
    private int _loads;

    /// <summary>How many objects this silo has loaded from the store: base series plus signal sets.</summary>
    public int Loads => _loads;

    public Task<BarSeries> SeriesAsync(string dataset, SeriesId series) =>
        Once(_series, $"{dataset}/{series}", () =>
        {
            Interlocked.Increment(ref _loads);
            return new BaseDatasetStore(store).ReadSeriesAsync(dataset, series);
        });

    /// <summary>The event-time structures over a series (SPEC 6), built once per silo from its one copy of the bars.</summary>
    public Task<BarTable> TableAsync(string dataset, SeriesId series) =>
        Once(_tables, $"{dataset}/{series}", async () => new BarTable(await SeriesAsync(dataset, series)));

    /// <summary>A signal set, verified file by file and against its base data (<see cref="SignalSetStore.OpenAsync"/>).</summary>
    public Task<StoredSignalSet> SignalSetAsync(string id) =>
        Once(_sets, id, () =>
        {
            Interlocked.Increment(ref _loads);
            return new SignalSetStore(store).OpenAsync(id);
        });

    /// <summary>
    /// The one load of <paramref name="key"/>, shared by every caller. A load that fails is forgotten, so the next
    /// caller tries again (after the data was repaired, say) instead of getting the old failure for good.
    /// </summary>
    private static Task<T> Once<T>(ConcurrentDictionary<string, Lazy<Task<T>>> loaded, string key, Func<Task<T>> load)
    {
        Lazy<Task<T>>? entry = null;
        entry = loaded.GetOrAdd(key, _ => new Lazy<Task<T>>(async () =>
        {
            try
            {
                return await load();
            }
            catch (Exception)
            {
                loaded.TryRemove(KeyValuePair.Create(key, entry!));
                throw;
            }
        }));
        return entry.Value;
    }
}
