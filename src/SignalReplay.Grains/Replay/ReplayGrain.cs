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
        var clock = System.Diagnostics.Stopwatch.StartNew();

        await using var collector = new RunCollector(portfolios, run.Candidates, run.Top, store, run.Output);
        using var stop = new CancellationTokenSource();
        // At most ShardsInFlight shards run at once; a shard starts as soon as any finishes (a slow one does not hold
        // the others up), while outcomes are taken in plan order and at most 4 x ShardsInFlight wait to be taken.
        var pending = new Queue<Task<ShardOutcome>>();
        try
        {
            var next = 0;
            while (next < ranges.Count || pending.Count > 0)
            {
                while (next < ranges.Count && pending.Count(t => !t.IsCompleted) < Options.ShardsInFlight && pending.Count < 4 * Options.ShardsInFlight)
                {
                    pending.Enqueue(ShardAsync(next, ranges[next]));
                    next++;
                }

                while (pending.Count > 0 && pending.Peek().IsCompleted)
                {
                    await collector.AddAsync(await pending.Dequeue());
                }

                if (pending.Count > 0)
                {
                    await Task.WhenAny(pending.Where(t => !t.IsCompleted).DefaultIfEmpty(pending.Peek()));
                }
            }
        }
        finally
        {
            // A failed shard stops the others' publishing, which would otherwise wait for acknowledgements for ever.
            await stop.CancelAsync();
        }

        return await collector.FinishAsync(ranges.Count, published, clock.Elapsed);

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
                this.AsReference<IReplayGrain>(),
                KeepTrades: run.Output?.AllTrades == true));

            // The shard's feeds go out on its own stream, packed into batches of about RowsPerBatch rows.
            var (strategies, classifiers) = Feeds(run, range);
            var stream = this.GetStreamProvider(StreamNames.Provider).GetStream<FeedBatch>(StreamId.Create(StreamNames.Feeds, streams));
            var packer = new FeedPacker(Options.RowsPerBatch, async batch =>
            {
                await Credits.TakeAsync(1, stop.Token);
                await stream.OnNextAsync(batch);
                published++;
            });
            foreach (var strategy in strategies)
            {
                var index = signals[strategy];
                var bars = await cache.SeriesAsync(manifest.Dataset, index.PrimarySeries);
                await packer.AddAsync(index.BarIdx.ToArray(), bars, (from, to, through, complete) =>
                    packer.Signals.Add(new SignalBatch(strategy, index.BarIdx[from..to].ToArray(), index.Value[from..to].ToArray(), through, complete)));
            }

            foreach (var classifier in classifiers)
            {
                var index = changes[classifier];
                var bars = await cache.SeriesAsync(manifest.Dataset, set.ClassifierSeries[classifier]);
                await packer.AddAsync(index.BarIdx.ToArray(), bars, (from, to, through, complete) =>
                    packer.Regimes.Add(new RegimeBatch(classifier, index.BarIdx[from..to].ToArray(), index.NewRegime[from..to].ToArray(), through, complete)));
            }

            await packer.FlushAsync();
            return await grain.CompleteAsync();
        }
    }

    /// <summary>The strategies and classifiers the portfolios in <paramref name="range"/> read, in name order.</summary>
    private static (IReadOnlyList<string> Strategies, IReadOnlyList<string> Classifiers) Feeds(ReplayRun run, (int From, int To) range)
    {
        if (run.Grid is { } grid)
        {
            var first = range.From / grid.PerStrategy;
            var members = Enumerable.Range(first, ((range.To - 1) / grid.PerStrategy) - first + 1).ToList();
            return (
                [.. members.SelectMany(grid.InstancesOf).Distinct().Order(StringComparer.Ordinal)],
                [.. members.Select(m => grid[m * grid.PerStrategy].RegimeFilter?.Classifier).OfType<string>().Distinct().Order(StringComparer.Ordinal)]);
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
            Backtest.Validate(set, [.. Enumerable.Range(0, grid.Members).Select(m => grid[m * grid.PerStrategy])]);
            return;
        }

        Backtest.Validate(set, run.Portfolios);
    }

    /// <summary>
    /// The shard size of a run of <paramref name="count"/> portfolios: the run's own when it sets one, else the silo's
    /// <see cref="SignalReplayOptions.ShardSize"/>, cut smaller for a small run so it still makes twice
    /// <see cref="SignalReplayOptions.ShardsInFlight"/> shards: every core gets work, and a shard of heavy portfolios
    /// does not leave the others idle at the end.
    /// </summary>
    internal static int ShardSizeFor(int count, int? requested, SignalReplayOptions options)
    {
        var shards = 2 * options.ShardsInFlight;
        return requested is { } size ? Math.Max(1, size) : Math.Clamp((count + shards - 1) / shards, 1, options.ShardSize);
    }

    /// <summary>Consecutive index ranges of at most <paramref name="size"/> over <paramref name="count"/> portfolios.</summary>
    internal static IReadOnlyList<(int From, int To)> ShardRanges(int count, int size) =>
        [.. Enumerable.Range(0, (count + size - 1) / size).Select(s => (s * size, Math.Min(count, (s + 1) * size)))];

    /// <summary>
    /// Packs feeds into <see cref="FeedBatch"/>es of about <c>rows</c> rows: a feed longer than that is cut into
    /// parts, each promising the time up to its next row's bar, the last complete.
    /// </summary>
    private sealed class FeedPacker(int rows, Func<FeedBatch, Task> publish)
    {
        private int _rows;

        public List<SignalBatch> Signals { get; } = [];

        public List<RegimeBatch> Regimes { get; } = [];

        /// <summary>Adds a feed of <paramref name="barIdx"/> (bars of <paramref name="bars"/>); <paramref name="part"/> adds rows [from, to) to the batch.</summary>
        public async Task AddAsync(int[] barIdx, BarSeries bars, Action<int, int, long, bool> part)
        {
            var from = 0;
            do
            {
                var to = Math.Min(barIdx.Length, from + Math.Max(1, rows - _rows));
                var complete = to == barIdx.Length;
                part(from, to, complete ? long.MaxValue : bars.EndTime(barIdx[to]) - 1, complete);
                _rows += Math.Max(1, to - from);
                from = to;
                if (_rows >= rows)
                {
                    await FlushAsync();
                }
            }
            while (from < barIdx.Length);
        }

        public async Task FlushAsync()
        {
            if (Signals.Count + Regimes.Count > 0)
            {
                await publish(new FeedBatch([.. Signals], [.. Regimes]));
                _rows = 0;
                Signals.Clear();
                Regimes.Clear();
            }
        }
    }
}
