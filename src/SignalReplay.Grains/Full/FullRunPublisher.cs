using Orleans.Streams;
using SignalReplay.Abstractions;
using SignalReplay.Core.Generation;
using SignalReplay.Grains.Replay;

namespace SignalReplay.Grains.Full;

/// <summary>
/// The signal source of a full run, inside its feature grain: what the generator captured goes out on the
/// same streams a replay publishes, each traded strategy's rows on its signal stream and each filtering
/// classifier's changes on its regime stream, with the time the alignment buffer has released through.
/// Every stream gets a batch whenever that time moves, rows or not, so portfolios walk the bars between.
/// A batch to a stream that k shards subscribe to takes k delivery credits first (back-pressure).
/// </summary>
internal sealed class FullRunPublisher
{
    private readonly List<(string Strategy, IAsyncStream<SignalBatch> Stream, int Subscribers)> _signals;
    private readonly List<(string Classifier, IAsyncStream<RegimeBatch> Stream, int Subscribers)> _regimes;
    private readonly DeliveryCredits _credits;
    private long _through = long.MinValue;

    /// <summary>Signal batches published so far, over all strategies.</summary>
    public int SignalBatchesPublished { get; private set; }

    public FullRunPublisher(IStreamProvider provider, string run, FullFeeds feeds, DeliveryCredits credits)
    {
        _credits = credits;
        _signals = [.. feeds.Strategies.OrderBy(s => s.Key, StringComparer.Ordinal)
            .Select(s => (s.Key, provider.GetStream<SignalBatch>(StreamId.Create(StreamNames.Signals, $"{run}/{s.Key}")), s.Value))];
        _regimes = [.. feeds.Classifiers.OrderBy(c => c.Key, StringComparer.Ordinal)
            .Select(c => (c.Key, provider.GetStream<RegimeBatch>(StreamId.Create(StreamNames.Regimes, $"{run}/{c.Key}")), c.Value))];
    }

    /// <summary>Publishes <paramref name="rows"/>, captured from slices ending at or before <paramref name="through"/>.</summary>
    public async Task PublishAsync(CapturedRows rows, long through, bool complete)
    {
        // Rows come only from released slices, so no new rows means the watermark has not moved either.
        if (!complete && through == _through && rows.Signals.Count == 0 && rows.Changes.Count == 0)
        {
            return;
        }

        _through = through;
        var promised = complete ? long.MaxValue : through;
        var sent = new List<Task>();
        foreach (var (strategy, stream, subscribers) in _signals)
        {
            var (barIdx, value) = rows.Signals.FirstOrDefault(r => r.Strategy == strategy) is { BarIdx: not null } r ? (r.BarIdx, r.Value) : ([], []);
            await _credits.TakeAsync(subscribers, CancellationToken.None);
            sent.Add(stream.OnNextAsync(new SignalBatch(strategy, barIdx, value, promised, complete)));
            SignalBatchesPublished++;
        }

        foreach (var (classifier, stream, subscribers) in _regimes)
        {
            var (barIdx, regime) = rows.Changes.FirstOrDefault(r => r.Classifier == classifier) is { BarIdx: not null } r ? (r.BarIdx, r.NewRegime) : ([], []);
            await _credits.TakeAsync(subscribers, CancellationToken.None);
            sent.Add(stream.OnNextAsync(new RegimeBatch(classifier, barIdx, regime, promised, complete)));
        }

        await Task.WhenAll(sent);
    }
}
