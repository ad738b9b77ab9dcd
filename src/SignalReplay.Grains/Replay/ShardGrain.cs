using Orleans.Concurrency;
using Orleans.Streams;
using SignalReplay.Abstractions;
using SignalReplay.Core.Portfolio;
using SignalReplay.Core.Replay;
using SignalReplay.Storage.Parquet;

namespace SignalReplay.Grains.Replay;

/// <summary>
/// One shard of a replay or full run (key <c>{run}/s{n}</c>), a thin shell around the Core
/// <see cref="ReplayDriver"/>: it loads the base data its portfolios read from the silo's shared cache,
/// subscribes once to each feed they read (a strategy's signals, a classifier's changes), hands every batch
/// to the driver, acknowledges it to the publisher, and collects each portfolio's result as the driver
/// finishes it. Both kinds of run publish the same batches, so a shard cannot tell them apart.
/// </summary>
[Reentrant] // CompleteAsync waits for batches that arrive as other calls into this grain.
[ShardPlacement]
public sealed class ShardGrain(BaseDataCache cache, ILocalSiloDetails silo) : Grain, IShardGrain
{
    private readonly TaskCompletionSource _done = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private ReplayDriver? _driver;
    private IBatchPublisher? _publisher;
    private PortfolioResult[] _results = [];
    private double[] _scores = [];
    private Objective _objective = Objective.Parse("sharpe");
    private int _delivered;

    public async Task StartAsync(ShardStart start)
    {
        try
        {
            // Expanded once: a grid's configuration is computed each time it is indexed.
            PortfolioConfig[] configs = [.. start.All];
            _objective = Objective.Parse(start.Objective);
            _publisher = start.Publisher;
            _results = new PortfolioResult[configs.Length];
            _scores = new double[configs.Length];
            _driver = new ReplayDriver(await MarketAsync(start, configs), configs, start.KeepDetail, keepTrades: start.KeepTrades);
        }
        catch (StoredDataException error)
        {
            // Storage exceptions are not wire types: callers get the reason (it names the file) in one that is.
            throw new RunFailedException(error.Message);
        }

        var provider = this.GetStreamProvider(StreamNames.Provider);
        if (!start.SharedFeeds)
        {
            await provider.GetStream<FeedBatch>(StreamId.Create(StreamNames.Feeds, start.Streams)).SubscribeAsync((batch, _) => OnBatchAsync(() =>
            {
                foreach (var signals in batch.Signals)
                {
                    _driver.Signals(signals.StrategyInstance, signals.BarIdx, signals.Value, signals.Through, signals.Complete);
                }

                foreach (var changes in batch.Regimes)
                {
                    _driver.Regimes(changes.Classifier, changes.BarIdx, changes.NewRegime, changes.Through, changes.Complete);
                }
            }));
            Advance();
            return;
        }

        foreach (var strategy in _driver.Strategies.Order(StringComparer.Ordinal))
        {
            await provider.GetStream<SignalBatch>(StreamId.Create(StreamNames.Signals, $"{start.Streams}/{strategy}"))
                .SubscribeAsync((batch, _) => OnBatchAsync(() => _driver.Signals(batch.StrategyInstance, batch.BarIdx, batch.Value, batch.Through, batch.Complete)));
        }

        foreach (var classifier in _driver.Classifiers.Order(StringComparer.Ordinal))
        {
            await provider.GetStream<RegimeBatch>(StreamId.Create(StreamNames.Regimes, $"{start.Streams}/{classifier}"))
                .SubscribeAsync((batch, _) => OnBatchAsync(() => _driver.Regimes(batch.Classifier, batch.BarIdx, batch.NewRegime, batch.Through, batch.Complete)));
        }

        Advance();
    }

    public async Task<ShardOutcome> CompleteAsync()
    {
        try
        {
            await _done.Task;
            return new ShardOutcome(_results, _scores, _delivered, silo.SiloAddress.ToParsableString());
        }
        finally
        {
            DeactivateOnIdle();
        }
    }

    /// <summary>Takes a batch in, acknowledges it, and lets the driver apply what is now known; a bad batch fails the shard.</summary>
    private Task OnBatchAsync(Action take)
    {
        _delivered++;
        try
        {
            take();
            Advance();
        }
        catch (Exception error) when (error is ArgumentException or InvalidOperationException)
        {
            _done.TrySetException(new RunFailedException($"Shard {this.GetPrimaryKeyString()} failed: {error.Message}"));
        }

        return _publisher!.DeliveredAsync(1);
    }

    private void Advance()
    {
        // The objective observer: each portfolio scores itself from its own metrics; nothing else optimizes.
        _driver!.Advance((index, result) => (_results[index], _scores[index]) = (result, _objective.Score(result.Metrics)));
        if (_driver.IsComplete)
        {
            _done.TrySetResult();
        }
    }

    /// <summary>The base data the portfolios read, from the silo's one copy: tables of the series traded alone, bars of every series walked.</summary>
    private async Task<ReplayMarket> MarketAsync(ShardStart start, IReadOnlyList<PortfolioConfig> configs)
    {
        var series = new Dictionary<SeriesId, BarSeries>();
        var tables = new Dictionary<SeriesId, BarTable>();
        foreach (var config in configs)
        {
            var traded = config.Assignments[0].Series;
            if (EventTimeReplay.Fits(config, traded, c => start.ClassifierSeries.TryGetValue(c, out var id) ? id : null))
            {
                if (!tables.ContainsKey(traded))
                {
                    tables[traded] = await cache.TableAsync(start.Dataset, traded);
                }

                continue;
            }

            var needed = config.Assignments.Select(a => a.Series);
            if (config.RegimeFilter is { } filter && start.ClassifierSeries.TryGetValue(filter.Classifier, out var regimeSeries))
            {
                needed = needed.Append(regimeSeries);
            }

            foreach (var id in needed.Where(id => !series.ContainsKey(id)))
            {
                series[id] = await cache.SeriesAsync(start.Dataset, id);
            }
        }

        foreach (var (id, table) in tables)
        {
            series.TryAdd(id, table.Series);
        }

        return new ReplayMarket(series, id => tables[id], start.ClassifierSeries);
    }
}
