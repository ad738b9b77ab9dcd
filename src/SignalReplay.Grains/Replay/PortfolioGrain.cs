using Orleans.Concurrency;
using Orleans.Streams;
using SignalReplay.Abstractions;
using SignalReplay.Core.Generation;
using SignalReplay.Core.Indices;
using SignalReplay.Core.Portfolio;
using SignalReplay.Core.Replay;
using SignalReplay.Storage.Parquet;

namespace SignalReplay.Grains.Replay;

/// <summary>
/// One portfolio of a replay or full run (key <c>{run}/{portfolio}</c>), a thin shell around the Core
/// <see cref="PortfolioEngine"/>. It subscribes to its own strategies' signal streams and its regime
/// filter's classifier stream, and no others; both kinds of run publish the same streams. A portfolio that
/// trades one series runs in event time over the silo's shared <see cref="BarTable"/>
/// (<see cref="EventTimeReplay"/>); any other walks the silo's shared base bars in slices. Either way a
/// bar is applied once every stream it listens to has passed its time, in <see cref="SliceDispatcher"/>'s
/// order, so the result equals the in-process replay bit for bit.
/// </summary>
[Reentrant] // CompleteAsync waits for batches that arrive as other calls into this grain.
public sealed class PortfolioGrain(BaseDataCache cache) : Grain, IPortfolioGrain
{
    private readonly TaskCompletionSource _done = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Dictionary<string, StrategyFeed> _feeds = new(StringComparer.Ordinal);
    private readonly List<Feed> _streams = [];
    private PortfolioEngine? _engine;
    private EventTimeReplay? _replay;
    private BarTable? _table;
    private SliceDispatcher? _dispatcher;
    private SliceWalker? _walker;
    private IReadOnlyList<SeriesId> _walked = [];
    private RegimeFeed? _regimes;
    private int _regimeSeries = -1;
    private int _delivered;
    private Objective _objective = Objective.Parse("sharpe");
    private bool _details;

    public async Task StartAsync(PortfolioStart start)
    {
        try
        {
            await StartCoreAsync(start);
        }
        catch (StoredDataException error)
        {
            // Storage exceptions are not wire types: callers get the reason (it names the file) in one that is.
            throw new RunFailedException(error.Message);
        }
    }

    private async Task StartCoreAsync(PortfolioStart start)
    {
        var config = PortfolioWires.ToConfig(start.Portfolio);
        (_objective, _details) = (Objective.Parse(start.Objective), start.Details);
        _engine = new PortfolioEngine(config);
        var run = this.GetPrimaryKeyString()[..this.GetPrimaryKeyString().LastIndexOf('/')];
        SeriesId? regimeSeries = null;
        if (config.RegimeFilter is { } filter)
        {
            regimeSeries = start.RegimeSeries is { } name
                ? SeriesId.Parse(name)
                : throw new ArgumentException($"Portfolio '{config.Id}' filters on classifier '{filter.Classifier}', but the run names no series for it.");
            _regimes = new RegimeFeed(filter.Classifier);
        }

        var traded = config.Assignments[0].Series;
        if (EventTimeReplay.Fits(config, traded, _ => regimeSeries))
        {
            // One series: event time over the silo's shared table, fed straight from the streams.
            _table = await cache.TableAsync(start.Dataset, traded);
            _replay = new EventTimeReplay(_engine, _table, config.Assignments.Select(a => a.StrategyInstance), config.RegimeFilter?.Classifier);
        }
        else
        {
            // Walk the traded series and, with a regime filter, its classifier's series: the other series'
            // bars would reach this engine only to be ignored.
            _dispatcher = new SliceDispatcher([_engine]);
            _walked = [.. config.Assignments.Select(a => a.Series).Append(regimeSeries ?? traded).Distinct().OrderBy(s => s.ToString(), StringComparer.Ordinal)];
            _regimeSeries = regimeSeries is { } regime ? _walked.ToList().IndexOf(regime) : -1;
            var bars = new List<BarSeries>();
            foreach (var series in _walked)
            {
                bars.Add(await cache.SeriesAsync(start.Dataset, series));
            }

            _walker = new SliceWalker(bars);
        }

        await SubscribeAsync(run, config);
    }

    /// <summary>Subscribes to the signal streams of this portfolio's own strategies and to its regime classifier's stream, and no others.</summary>
    private async Task SubscribeAsync(string run, PortfolioConfig config)
    {
        var provider = this.GetStreamProvider(StreamNames.Provider);
        foreach (var assignment in config.Assignments.OrderBy(a => a.StrategyInstance, StringComparer.Ordinal))
        {
            var feed = new StrategyFeed(assignment.StrategyInstance, _walked.ToList().IndexOf(assignment.Series));
            _feeds[assignment.StrategyInstance] = feed;
            _streams.Add(feed);
            var stream = provider.GetStream<SignalBatch>(StreamId.Create(StreamNames.Signals, $"{run}/{assignment.StrategyInstance}"));
            await stream.SubscribeAsync((batch, _) => OnBatchAsync(batch));
        }

        if (_regimes is not null)
        {
            _streams.Add(_regimes);
            var stream = provider.GetStream<RegimeBatch>(StreamId.Create(StreamNames.Regimes, $"{run}/{_regimes.Classifier}"));
            await stream.SubscribeAsync((batch, _) => OnRegimesAsync(batch));
        }
    }

    public async Task<PortfolioSummary> CompleteAsync()
    {
        try
        {
            await _done.Task;
            var result = _engine!.Finish();

            // The objective observer: the portfolio scores itself from its own metrics; nothing else optimizes.
            return new PortfolioSummary(
                result.PortfolioId,
                PerformanceMetrics.Names.ToDictionary(name => name, result.Metrics.Get),
                result.FinalEquity,
                result.Trades.Count,
                PortfolioDigest.Of(result),
                _delivered,
                _objective.Score(result.Metrics),
                _details ? PortfolioResults.ToDetail(result) : null);
        }
        finally
        {
            DeactivateOnIdle();
        }
    }

    private Task OnBatchAsync(SignalBatch batch) => Apply(() =>
    {
        _delivered++;
        var feed = _feeds[batch.StrategyInstance];
        feed.Note(batch.Through, batch.Complete);
        if (_replay is not null)
        {
            _replay.Add(batch.StrategyInstance, batch.BarIdx, batch.Value);
        }
        else
        {
            feed.Rows.Add(batch.BarIdx, batch.Value);
        }
    });

    private Task OnRegimesAsync(RegimeBatch batch) => Apply(() =>
    {
        _regimes!.Note(batch.Through, batch.Complete);
        if (_replay is not null)
        {
            _replay.AddRegimes(batch.BarIdx, batch.NewRegime);
        }
        else
        {
            _regimes.Changes.Add(batch.BarIdx, batch.NewRegime);
        }
    });

    /// <summary>Takes a batch in, then applies every bar that all streams have passed; a bad batch fails the portfolio.</summary>
    private Task Apply(Action take)
    {
        try
        {
            take();
            var through = _streams.Min(f => f.Through);
            var complete = _streams.TrueForAll(f => f.Complete);
            if (_replay is not null)
            {
                _replay.AdvanceTo(complete ? _table!.Count : _table!.EndedBy(through));
                if (complete)
                {
                    _done.TrySetResult();
                }

                return Task.CompletedTask;
            }

            Walk(through);
            if (complete && _walker!.NextEnd == long.MaxValue)
            {
                _done.TrySetResult();
            }
        }
        catch (Exception error) when (error is ArgumentException or InvalidOperationException)
        {
            _done.TrySetException(new RunFailedException($"Portfolio {this.GetPrimaryKeyString()} failed: {error.Message}"));
        }

        return Task.CompletedTask;
    }

    /// <summary>Processes every slice that ends at or before <paramref name="through"/>.</summary>
    private void Walk(long through)
    {
        while (_walker!.TryNext(through, out var endTime, out var bars))
        {
            foreach (var bar in bars)
            {
                if (bar.Series == _regimeSeries)
                {
                    while (_regimes!.Changes.TryTake(bar.BarIdx, out _))
                    {
                        _dispatcher!.Regime(_regimes.Classifier, _regimes.Changes.Current);
                    }
                }

                foreach (var feed in _feeds.Values)
                {
                    if (feed.Series == bar.Series && feed.Rows.TryTake(bar.BarIdx, out var previous))
                    {
                        _dispatcher!.Signal(new SignalEvent(feed.StrategyInstance, _walked[bar.Series], bar.BarIdx, endTime, bar.Bar, previous, feed.Rows.Current));
                    }
                }
            }

            _dispatcher!.Dispatch(_walked, bars);
        }
    }

    /// <summary>One subscribed stream and how far it has promised: no later row counts a bar ending at or before <see cref="Through"/>.</summary>
    private abstract class Feed
    {
        public long Through { get; private set; } = long.MinValue;

        public bool Complete { get; private set; }

        public void Note(long through, bool complete) => (Through, Complete) = (through, complete);
    }

    /// <summary>One subscribed strategy: its queued rows, counted in bars of the walked series at <see cref="Series"/>.</summary>
    private sealed class StrategyFeed(string strategyInstance, int series) : Feed
    {
        public string StrategyInstance => strategyInstance;

        public int Series => series;

        public RowQueue<double> Rows { get; } = new(0);
    }

    /// <summary>The regime filter's classifier: its queued changes.</summary>
    private sealed class RegimeFeed(string classifier) : Feed
    {
        public string Classifier => classifier;

        public RowQueue<string?> Changes { get; } = new(null);
    }
}
