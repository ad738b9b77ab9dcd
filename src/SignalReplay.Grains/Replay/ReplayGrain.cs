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
/// own stream one time window (round) at a time. A portfolio subscribes to its strategies' streams
/// only, so a signal reaches exactly the portfolios that trade it. No series or feature grain runs.
/// The grain's key is the run id.
/// </summary>
public sealed class ReplayGrain(IObjectStore store, BaseDataCache cache) : Grain, IReplayGrain
{
    public async Task<ReplaySummary> RunAsync(ReplaySpec spec)
    {
        SignalSetManifest manifest;
        SignalSet set;
        try
        {
            var signals = new SignalSetStore(store);
            manifest = await signals.ReadManifestAsync(spec.SignalSetId)
                ?? throw new ArgumentException($"There is no signal set '{spec.SignalSetId}'.");
            await signals.EnsureBaseUnchangedAsync(manifest);
            (_, set) = await cache.SignalSetAsync(spec.SignalSetId);
        }
        catch (StoredDataException error)
        {
            throw new RunFailedException(error.Message);
        }

        foreach (var portfolio in spec.Portfolios)
        {
            var unknown = portfolio.Assignments.FirstOrDefault(a => !manifest.Strategies.Contains(a.StrategyInstance));
            if (unknown is not null)
            {
                throw new ArgumentException(
                    $"Portfolio '{portfolio.Id}' names strategy '{unknown.StrategyInstance}', which signal set {manifest.Id} does not hold; it holds {string.Join(", ", manifest.Strategies)}.");
            }

            PortfolioWires.ToConfig(portfolio);
        }

        Objective.Parse(spec.Objective);

        var run = this.GetPrimaryKeyString();
        var portfolios = spec.Portfolios.Select(p => GrainFactory.GetGrain<IPortfolioGrain>($"{run}/{p.Id}")).ToArray();
        await Task.WhenAll(portfolios.Select((grain, i) => grain.StartAsync(spec.SignalSetId, spec.Portfolios[i], spec.Objective, spec.Details)));

        var traded = spec.Portfolios.SelectMany(p => p.Assignments).Select(a => a.StrategyInstance).ToHashSet(StringComparer.Ordinal);
        var sources = new List<Source>();
        foreach (var index in set.Signals.Where(index => traded.Contains(index.StrategyInstance)))
        {
            var primary = await cache.SeriesAsync(manifest.Dataset, index.PrimarySeries);
            var ends = new long[index.Count];
            for (var row = 0; row < ends.Length; row++)
            {
                ends[row] = primary.EndTime(index.BarIdx[row]);
            }

            sources.Add(new Source(index, ends, this.GetStreamProvider(StreamNames.Provider)
                .GetStream<SignalBatch>(StreamId.Create(StreamNames.Signals, $"{run}/{index.StrategyInstance}"))));
        }

        // Each stream gets its rounds in order; the streams are published side by side, so a round costs
        // one queue hop, not one per strategy.
        var (first, last) = await SpanAsync(manifest);
        var windows = BarBatches.Windows(first, last, spec.BatchWindow).ToList();
        await Task.WhenAll(sources.Select(async source =>
        {
            foreach (var window in windows)
            {
                await source.Stream.OnNextAsync(source.Take(window.End, window.IsLast));
            }
        }));
        var (rounds, published) = (windows.Count, windows.Count * sources.Count);

        var summaries = await Task.WhenAll(portfolios.Select(p => p.CompleteAsync()));
        return new ReplaySummary(summaries, rounds, published, summaries.Sum(s => s.SignalBatchesDelivered));
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

    /// <summary>One strategy's stream and how far its rows have been published.</summary>
    private sealed class Source(Core.Indices.SignalIndex index, long[] ends, IAsyncStream<SignalBatch> stream)
    {
        private int _row;

        public IAsyncStream<SignalBatch> Stream => stream;

        /// <summary>The rows whose primary bar ends at or before <paramref name="through"/>, not yet published.</summary>
        public SignalBatch Take(long through, bool complete)
        {
            var from = _row;
            while (_row < ends.Length && (complete || ends[_row] <= through))
            {
                _row++;
            }

            return new SignalBatch(
                index.StrategyInstance,
                index.BarIdx[from.._row].ToArray(),
                index.Value[from.._row].ToArray(),
                complete ? long.MaxValue : through,
                complete);
        }
    }
}
