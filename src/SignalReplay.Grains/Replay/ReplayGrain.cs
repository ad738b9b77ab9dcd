using Orleans.Streams;
using SignalReplay.Abstractions;
using SignalReplay.Core.Generation;
using SignalReplay.Core.Indices;
using SignalReplay.Core.Portfolio;
using SignalReplay.Core.Replay;
using SignalReplay.Storage.Objects;
using SignalReplay.Storage.Parquet;

namespace SignalReplay.Grains.Replay;

/// <summary>
/// The replay topology (SPEC 3; key: the run id): checks the portfolios against the signal set, cuts them into
/// shards of <see cref="SignalReplayOptions.ShardSize"/>, and runs a few shards at a time: it starts a shard,
/// publishes on the shard's own streams the rows of each strategy and classifier its portfolios read (a
/// signal reaches exactly the shards that trade it), and takes the shards' outcomes back in plan order
/// (<see cref="RunCollector"/>). Publishing waits for the shards' acknowledgements (<see cref="DeliveryCredits"/>),
/// so no run can overflow a stream queue. No series or feature grain runs.
/// </summary>
public sealed class ReplayGrain(BaseDataCache cache, IObjectStore store, SignalReplayOptions options) : PublishingGrain(options), IReplayGrain
{
    public async Task<ReplayOutcome> RunAsync(ReplayRun run)
    {
        try
        {
            return await ReplayAsync(run);
        }
        catch (StoredDataException error)
        {
            // Storage exceptions are not wire types: callers get the reason (it names the file) in one that is.
            throw new RunFailedException(error.Message);
        }
    }

    private async Task<ReplayOutcome> ReplayAsync(ReplayRun run)
    {
        var (manifest, set) = await cache.SignalSetAsync(run.SignalSetId);
        var portfolios = run.All;
        Validate(set, run);
        Objective.Parse(run.Objective);
        var signals = set.Signals.ToDictionary(s => s.StrategyInstance, StringComparer.Ordinal);
        var changes = set.ClassifierChanges.ToDictionary(c => c.Classifier, StringComparer.Ordinal);
        var key = this.GetPrimaryKeyString();
        var ranges = ShardRanges(portfolios.Count, ShardSizeFor(portfolios.Count, run.ShardSize, Options));
        var published = 0;

        await using var collector = new RunCollector(portfolios, run.Candidates, run.Top, store, run.Output);
        using var stop = new CancellationTokenSource();
        var running = new Queue<Task<ShardOutcome>>();
        try
        {
            for (var shard = 0; shard < ranges.Count; shard++)
            {
                if (running.Count == Options.ShardsInFlight)
                {
                    await collector.AddAsync(await running.Dequeue());
                }

                running.Enqueue(ShardAsync(shard, ranges[shard]));
            }

            while (running.Count > 0)
            {
                await collector.AddAsync(await running.Dequeue());
            }
        }
        finally
        {
            // A failed shard stops the others' publishing, which would otherwise wait for acknowledgements for ever.
            await stop.CancelAsync();
        }

        return await collector.FinishAsync(ranges.Count, published);

        async Task<ShardOutcome> ShardAsync(int shard, (int From, int To) range)
        {
            var streams = $"{key}/s{shard}";
            var grain = GrainFactory.GetGrain<IShardGrain>(streams);
            var configs = run.Grid is null ? run.Portfolios[range.From..range.To] : [];
            await grain.StartAsync(new ShardStart(
                manifest.Dataset,
                new Dictionary<string, SeriesId>(set.ClassifierSeries),
                run.Grid,
                range.From,
                range.To,
                configs,
                run.Objective,
                run.KeepDetail,
                streams,
                this.AsReference<IReplayGrain>()));

            var (strategies, classifiers) = Feeds(run, range);
            var provider = this.GetStreamProvider(StreamNames.Provider);
            foreach (var strategy in strategies)
            {
                var index = signals[strategy];
                var stream = provider.GetStream<SignalBatch>(StreamId.Create(StreamNames.Signals, $"{streams}/{strategy}"));
                var bars = await cache.SeriesAsync(manifest.Dataset, index.PrimarySeries);
                // Awaited first, then added: shards publish side by side, and "published += await" would read before it awaits.
                var batches = await PublishAsync(index.BarIdx.ToArray(), bars, (from, to, through, complete) => stream.OnNextAsync(new SignalBatch(
                    strategy, index.BarIdx[from..to].ToArray(), index.Value[from..to].ToArray(), through, complete)), stop.Token);
                published += batches;
            }

            foreach (var classifier in classifiers)
            {
                var index = changes[classifier];
                var stream = provider.GetStream<RegimeBatch>(StreamId.Create(StreamNames.Regimes, $"{streams}/{classifier}"));
                var bars = await cache.SeriesAsync(manifest.Dataset, set.ClassifierSeries[classifier]);
                await PublishAsync(index.BarIdx.ToArray(), bars, (from, to, through, complete) => stream.OnNextAsync(new RegimeBatch(
                    classifier, index.BarIdx[from..to].ToArray(), index.NewRegime[from..to].ToArray(), through, complete)), stop.Token);
            }

            return await grain.CompleteAsync();
        }
    }

    /// <summary>
    /// Publishes a feed's rows in batches of <see cref="SignalReplayOptions.RowsPerBatch"/>, each taking a credit
    /// first and promising the time up to its next row's bar; the last is complete. Returns the batches published.
    /// </summary>
    private async Task<int> PublishAsync(int[] barIdx, BarSeries bars, Func<int, int, long, bool, Task> publish, CancellationToken cancellationToken)
    {
        var batches = 0;
        var from = 0;
        do
        {
            var to = Math.Min(barIdx.Length, from + Options.RowsPerBatch);
            var complete = to == barIdx.Length;
            await Credits.TakeAsync(1, cancellationToken);
            await publish(from, to, complete ? long.MaxValue : bars.EndTime(barIdx[to]) - 1, complete);
            batches++;
            from = to;
        }
        while (from < barIdx.Length);

        return batches;
    }

    /// <summary>The strategies and classifiers the portfolios in <paramref name="range"/> read, in name order.</summary>
    private static (IReadOnlyList<string> Strategies, IReadOnlyList<string> Classifiers) Feeds(ReplayRun run, (int From, int To) range)
    {
        if (run.Grid is { } grid)
        {
            var first = range.From / grid.PerStrategy;
            var last = (range.To - 1) / grid.PerStrategy;
            return ([.. Enumerable.Range(first, last - first + 1).Select(s => grid.Strategies[s].StrategyInstance).Distinct().Order(StringComparer.Ordinal)], []);
        }

        var configs = run.Portfolios[range.From..range.To];
        return (
            [.. configs.SelectMany(c => c.Assignments).Select(a => a.StrategyInstance).Distinct().Order(StringComparer.Ordinal)],
            [.. configs.Select(c => c.RegimeFilter?.Classifier).OfType<string>().Distinct().Order(StringComparer.Ordinal)]);
    }

    /// <summary>Refuses portfolios that name a strategy or classifier the set lacks (a grid by its strategies, at once).</summary>
    private static void Validate(SignalSet set, ReplayRun run)
    {
        if (run.Grid is { } grid)
        {
            Backtest.Validate(set, [.. grid.Strategies.Select((s, i) => grid[i * grid.PerStrategy])]);
            return;
        }

        Backtest.Validate(set, run.Portfolios);
    }

    /// <summary>
    /// The shard size of a run of <paramref name="count"/> portfolios: the run's own when it sets one, else the silo's
    /// <see cref="SignalReplayOptions.ShardSize"/>, cut smaller for a small run so it still fills
    /// <see cref="SignalReplayOptions.ShardsInFlight"/> shards (every core of the cluster gets work).
    /// </summary>
    internal static int ShardSizeFor(int count, int? requested, SignalReplayOptions options) =>
        requested is { } size ? Math.Max(1, size) : Math.Clamp((count + options.ShardsInFlight - 1) / options.ShardsInFlight, 1, options.ShardSize);

    /// <summary>Consecutive index ranges of at most <paramref name="size"/> over <paramref name="count"/> portfolios.</summary>
    internal static IReadOnlyList<(int From, int To)> ShardRanges(int count, int size) =>
        [.. Enumerable.Range(0, (count + size - 1) / size).Select(s => (s * size, Math.Min(count, (s + 1) * size)))];
}
