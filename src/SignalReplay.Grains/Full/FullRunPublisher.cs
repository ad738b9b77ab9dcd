using Orleans.Streams;
using SignalReplay.Abstractions;
using SignalReplay.Core.Generation;

namespace SignalReplay.Grains.Full;

/// <summary>
/// The signal source of a full run, inside its feature grain: what the generator captured goes out on the
/// same streams a replay publishes, each traded strategy's rows on its signal stream and each filtering
/// classifier's changes on its regime stream, with the time the alignment buffer has released through.
/// Every stream gets a batch whenever that time moves, rows or not, so portfolios walk the bars between.
/// </summary>
internal sealed class FullRunPublisher
{
    private readonly List<(string Strategy, IAsyncStream<SignalBatch> Stream)> _signals;
    private readonly List<(string Classifier, IAsyncStream<RegimeBatch> Stream)> _regimes;
    private long _through = long.MinValue;

    /// <summary>Signal batches published so far, over all strategies.</summary>
    public int SignalBatchesPublished { get; private set; }

    public FullRunPublisher(IStreamProvider provider, string run, IEnumerable<string> strategies, IEnumerable<string> classifiers)
    {
        _signals = [.. strategies.Distinct().Order(StringComparer.Ordinal)
            .Select(s => (s, provider.GetStream<SignalBatch>(StreamId.Create(StreamNames.Signals, $"{run}/{s}"))))];
        _regimes = [.. classifiers.Distinct().Order(StringComparer.Ordinal)
            .Select(c => (c, provider.GetStream<RegimeBatch>(StreamId.Create(StreamNames.Regimes, $"{run}/{c}"))))];
    }

    /// <summary>Publishes <paramref name="rows"/>, captured from slices ending at or before <paramref name="through"/>.</summary>
    public Task PublishAsync(CapturedRows rows, long through, bool complete)
    {
        // Rows come only from released slices, so no new rows means the watermark has not moved either.
        if (!complete && through == _through && rows.Signals.Count == 0 && rows.Changes.Count == 0)
        {
            return Task.CompletedTask;
        }

        _through = through;
        SignalBatchesPublished += _signals.Count;
        var promised = complete ? long.MaxValue : through;
        var signals = _signals.Select(s =>
        {
            var (barIdx, value) = rows.Signals.FirstOrDefault(r => r.Strategy == s.Strategy) is { BarIdx: not null } r ? (r.BarIdx, r.Value) : ([], []);
            return s.Stream.OnNextAsync(new SignalBatch(s.Strategy, barIdx, value, promised, complete));
        });
        var regimes = _regimes.Select(c =>
        {
            var (barIdx, regime) = rows.Changes.FirstOrDefault(r => r.Classifier == c.Classifier) is { BarIdx: not null } r ? (r.BarIdx, r.NewRegime) : ([], []);
            return c.Stream.OnNextAsync(new RegimeBatch(c.Classifier, barIdx, regime, promised, complete));
        });
        return Task.WhenAll(signals.Concat(regimes));
    }
}
