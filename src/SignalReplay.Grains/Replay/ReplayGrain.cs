using Orleans.Streams;
using SignalReplay.Abstractions;
using SignalReplay.Core.Generation;
using SignalReplay.Core.Portfolio;
using SignalReplay.Storage.Objects;
using SignalReplay.Storage.Parquet;
using SignalReplay.Storage.Signals;

namespace SignalReplay.Grains.Replay;

/// <summary>
/// The replay topology (SPEC 3): checks the signal set against its base data, starts one portfolio
/// grain per configuration, then acts as the signal source, publishing each strategy's signals on its
/// own stream (and each filtering classifier's changes on its own) one time window (round) at a time.
/// A portfolio subscribes to its strategies' streams only, so a signal reaches exactly the portfolios
/// that trade it. No series or feature grain runs. The grain's key is the run id.
/// </summary>
public sealed class ReplayGrain(BaseDataCache cache) : Grain, IReplayGrain
{
    public async Task<ReplaySummary> RunAsync(ReplaySpec spec)
    {
        try
        {
            return await ReplayAsync(spec);
        }
        catch (StoredDataException error)
        {
            // Storage exceptions are not wire types: callers get the reason (it names the file) in one that is.
            throw new RunFailedException(error.Message);
        }
    }

    private async Task<ReplaySummary> ReplayAsync(ReplaySpec spec)
    {
        var (manifest, set) = await cache.SignalSetAsync(spec.SignalSetId);
        PortfolioRun.Validate(spec.Portfolios, manifest.Strategies, set.ClassifierSeries, $"signal set {manifest.Id}", spec.Objective);
        var run = this.GetPrimaryKeyString();
        var portfolios = await PortfolioRun.StartAsync(GrainFactory, run, manifest.Dataset, spec.Portfolios, set.ClassifierSeries, spec.Objective, spec.Details);

        var (strategies, classifiers) = PortfolioRun.Streams(spec.Portfolios);
        var provider = this.GetStreamProvider(StreamNames.Provider);
        var sources = new List<Source>();
        foreach (var index in set.Signals.Where(index => strategies.Contains(index.StrategyInstance)))
        {
            var stream = provider.GetStream<SignalBatch>(StreamId.Create(StreamNames.Signals, $"{run}/{index.StrategyInstance}"));
            var ends = EndTimes(await cache.SeriesAsync(manifest.Dataset, index.PrimarySeries), index.BarIdx);
            sources.Add(new Source(ends, isSignals: true, (from, to, through, complete) => stream.OnNextAsync(new SignalBatch(
                index.StrategyInstance, index.BarIdx[from..to].ToArray(), index.Value[from..to].ToArray(), through, complete))));
        }

        foreach (var changes in set.ClassifierChanges.Where(changes => classifiers.Contains(changes.Classifier)))
        {
            var stream = provider.GetStream<RegimeBatch>(StreamId.Create(StreamNames.Regimes, $"{run}/{changes.Classifier}"));
            var ends = EndTimes(await cache.SeriesAsync(manifest.Dataset, set.ClassifierSeries[changes.Classifier]), changes.BarIdx);
            sources.Add(new Source(ends, isSignals: false, (from, to, through, complete) => stream.OnNextAsync(new RegimeBatch(
                changes.Classifier, changes.BarIdx[from..to].ToArray(), changes.NewRegime[from..to].ToArray(), through, complete))));
        }

        // Each stream gets its rounds in order; the streams are published side by side, so a round costs
        // one queue hop, not one per strategy.
        var (first, last) = await SpanAsync(manifest);
        var windows = BarBatches.Windows(first, last, spec.BatchWindow).ToList();
        await Task.WhenAll(sources.Select(async source =>
        {
            foreach (var window in windows)
            {
                await source.PublishAsync(window.End, window.IsLast);
            }
        }));
        var published = windows.Count * sources.Count(s => s.IsSignals);

        var summaries = await portfolios.CompleteAsync();
        return new ReplaySummary(summaries, windows.Count, published, summaries.Sum(s => s.SignalBatchesDelivered));
    }

    /// <summary>The end time of each row's bar in <paramref name="bars"/>.</summary>
    private static long[] EndTimes(BarSeries bars, ReadOnlySpan<int> barIdx)
    {
        var ends = new long[barIdx.Length];
        for (var row = 0; row < ends.Length; row++)
        {
            ends[row] = bars.EndTime(barIdx[row]);
        }

        return ends;
    }

    /// <summary>The span of bar end times over the set's base series.</summary>
    private async Task<(long First, long Last)> SpanAsync(SignalSetManifest manifest)
    {
        long first = long.MaxValue, last = long.MinValue;
        foreach (var name in manifest.BaseSeriesHashes.Keys)
        {
            var series = await cache.SeriesAsync(manifest.Dataset, SeriesId.Parse(name));
            if (series.Count > 0)
            {
                first = Math.Min(first, series.EndTime(0));
                last = Math.Max(last, series.EndTime(series.Count - 1));
            }
        }

        return (first, last);
    }

    /// <summary>One stream of the set (a strategy's signals or a classifier's changes) and how far its rows have been published.</summary>
    private sealed class Source(long[] ends, bool isSignals, Func<int, int, long, bool, Task> publish)
    {
        private int _row;

        /// <summary>Whether the stream carries signals (counted as published signal batches) rather than regime changes.</summary>
        public bool IsSignals => isSignals;

        /// <summary>Publishes the rows whose bar ends at or before <paramref name="through"/>, not yet published (all that are left when <paramref name="complete"/>).</summary>
        public Task PublishAsync(long through, bool complete)
        {
            var from = _row;
            while (_row < ends.Length && (complete || ends[_row] <= through))
            {
                _row++;
            }

            return publish(from, _row, complete ? long.MaxValue : through, complete);
        }
    }
}
