using Orleans.Streams;
using SignalReplay.Abstractions;
using SignalReplay.Core.Generation;
using SignalReplay.Storage.BaseData;
using SignalReplay.Storage.Objects;
using SignalReplay.Storage.Parquet;

namespace SignalReplay.Grains.Generation;

/// <summary>
/// One base series (key <c>{dataset}/{SERIES}</c>). Loads its Parquet file once per activation,
/// hash-checked against the manifest, and publishes it one time window at a time: one message per
/// batch of bars, never one per bar.
/// </summary>
public sealed class SeriesGrain(IObjectStore store) : Grain, ISeriesGrain
{
    private BarSeries? _bars;

    public async Task PublishAsync(string run, int ordinal, long windowStart, long windowEnd, bool last)
    {
        try
        {
            _bars ??= await LoadAsync();
        }
        catch (StoredDataException error)
        {
            // Storage exceptions are not wire types: callers get the reason in one that is.
            throw new RunFailedException(error.Message);
        }

        var bars = BarBatches.Slice(_bars, new BarBatches.Window(windowStart, windowEnd, last));
        var batch = new BarBatch(
            ordinal,
            [.. bars.Select(b => b.Time)],
            [.. bars.Select(b => b.Open)],
            [.. bars.Select(b => b.High)],
            [.. bars.Select(b => b.Low)],
            [.. bars.Select(b => b.Close)],
            [.. bars.Select(b => b.Volume)],
            windowEnd,
            last);
        var stream = this.GetStreamProvider(StreamNames.Provider).GetStream<BarBatch>(StreamId.Create(StreamNames.Bars, run));
        await stream.OnNextAsync(batch);
    }

    private Task<BarSeries> LoadAsync()
    {
        var key = this.GetPrimaryKeyString();
        var slash = key.LastIndexOf('/');
        if (slash <= 0)
        {
            throw new ArgumentException($"Series grain key '{key}' is not {{dataset}}/{{SERIES}}.");
        }

        return new BaseDatasetStore(store).ReadSeriesAsync(key[..slash], SeriesId.Parse(key[(slash + 1)..]));
    }
}
