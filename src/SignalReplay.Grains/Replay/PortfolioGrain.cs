using Orleans.Concurrency;
using Orleans.Streams;
using SignalReplay.Abstractions;
using SignalReplay.Core.Generation;
using SignalReplay.Core.Indices;
using SignalReplay.Core.Portfolio;
using SignalReplay.Core.Replay;

namespace SignalReplay.Grains.Replay;

/// <summary>
/// One portfolio of a replay run (key <c>{run}/{portfolio}</c>), a thin shell around the Core
/// <see cref="PortfolioEngine"/>. It subscribes to its own strategies' signal streams only. A portfolio
/// that trades one series runs in event time over the silo's shared <see cref="BarTable"/>
/// (<see cref="EventTimeReplay"/>); any other walks the silo's shared base bars in slices. Either way a
/// bar is applied once every stream it listens to has passed its time, in <see cref="SliceDispatcher"/>'s
/// order, so the result equals the in-process replay bit for bit.
/// </summary>
[Reentrant] // CompleteAsync waits for batches that arrive as other calls into this grain.
public sealed class PortfolioGrain(BaseDataCache cache) : Grain, IPortfolioGrain
{
    private readonly TaskCompletionSource _done = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Dictionary<string, StrategyFeed> _feeds = new(StringComparer.Ordinal);
    private PortfolioEngine? _engine;
    private EventTimeReplay? _replay;
    private BarTable? _table;
    private SliceDispatcher? _dispatcher;
    private SliceWalker? _walker;
    private IReadOnlyList<SeriesId> _walked = [];
    private ClassifierChangeIndex? _regimes;
    private int _regimeSeries = -1;
    private int _regimeRow;
    private int _delivered;
    private Objective _objective = Objective.Parse("sharpe");
    private bool _details;

    public async Task StartAsync(string signalSetId, PortfolioWire portfolio, string objective, bool details)
    {
        var config = PortfolioWires.ToConfig(portfolio);
        (_objective, _details) = (Objective.Parse(objective), details);
        var (manifest, set) = await cache.SignalSetAsync(signalSetId);
        _engine = new PortfolioEngine(config);
        var run = this.GetPrimaryKeyString()[..this.GetPrimaryKeyString().LastIndexOf('/')];
        var traded = config.Assignments[0].Series;
        if (EventTimeReplay.Fits(config, traded, classifier => set.ClassifierSeries.TryGetValue(classifier, out var series) ? series : null))
        {
            // One series: event time over the silo's shared table, fed straight from the streams.
            _table = await cache.TableAsync(manifest.Dataset, traded);
            var regimes = config.RegimeFilter is { } only ? set.ClassifierChanges.FirstOrDefault(c => c.Classifier == only.Classifier) : null;
            _replay = new EventTimeReplay(_engine, _table, config.Assignments.Select(a => a.StrategyInstance), regimes);
            await SubscribeAsync(run, config);
            return;
        }

        _dispatcher = new SliceDispatcher([_engine]);

        // Walk the traded series and, with a regime filter, its classifier's series: the other series'
        // bars would reach this engine only to be ignored.
        var walked = config.Assignments.Select(a => a.Series).ToList();
        if (config.RegimeFilter is { } filter)
        {
            _regimes = set.ClassifierChanges.FirstOrDefault(c => c.Classifier == filter.Classifier)
                ?? throw new ArgumentException($"Portfolio '{config.Id}' filters on classifier '{filter.Classifier}', which signal set {signalSetId} does not hold.");
            walked.Add(set.ClassifierSeries[filter.Classifier]);
        }

        _walked = [.. walked.Distinct().OrderBy(s => s.ToString(), StringComparer.Ordinal)];
        _regimeSeries = _regimes is null ? -1 : _walked.ToList().IndexOf(set.ClassifierSeries[_regimes.Classifier]);
        var bars = new List<BarSeries>();
        foreach (var series in _walked)
        {
            bars.Add(await cache.SeriesAsync(manifest.Dataset, series));
        }

        _walker = new SliceWalker(bars);
        await SubscribeAsync(run, config);
    }

    /// <summary>Subscribes to the signal streams of this portfolio's own strategies, and no others.</summary>
    private async Task SubscribeAsync(string run, PortfolioConfig config)
    {
        var provider = this.GetStreamProvider(StreamNames.Provider);
        foreach (var assignment in config.Assignments.OrderBy(a => a.StrategyInstance, StringComparer.Ordinal))
        {
            var feed = new StrategyFeed(assignment.StrategyInstance, _walked.ToList().IndexOf(assignment.Series));
            _feeds[assignment.StrategyInstance] = feed;
            var stream = provider.GetStream<SignalBatch>(StreamId.Create(StreamNames.Signals, $"{run}/{assignment.StrategyInstance}"));
            await stream.SubscribeAsync((batch, _) => OnBatchAsync(batch));
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

    private Task OnBatchAsync(SignalBatch batch)
    {
        try
        {
            _delivered++;
            var feed = _feeds[batch.StrategyInstance];
            feed.Note(batch);
            var through = _feeds.Values.Min(f => f.Through);
            var complete = _feeds.Values.All(f => f.Complete);
            if (_replay is not null)
            {
                _replay.Add(batch.StrategyInstance, batch.BarIdx, batch.Value);
                _replay.AdvanceTo(complete ? _table!.Count : _table!.EndedBy(through));
                if (complete)
                {
                    _done.TrySetResult();
                }

                return Task.CompletedTask;
            }

            feed.Add(batch);
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
                    while (_regimeRow < _regimes!.Count && _regimes.BarIdx[_regimeRow] == bar.BarIdx)
                    {
                        _dispatcher!.Regime(_regimes.Classifier, _regimes.NewRegime[_regimeRow++]);
                    }
                }

                foreach (var feed in _feeds.Values)
                {
                    if (feed.Series == bar.Series && feed.TryTake(bar.BarIdx, out var previous, out var value))
                    {
                        _dispatcher!.Signal(new SignalEvent(feed.StrategyInstance, _walked[bar.Series], bar.BarIdx, endTime, bar.Bar, previous, value));
                    }
                }
            }

            _dispatcher!.Dispatch(_walked, bars);
        }
    }

    /// <summary>One subscribed strategy: its queued rows and how far its stream has promised.</summary>
    private sealed class StrategyFeed(string strategyInstance, int series)
    {
        private readonly Queue<(int BarIdx, double Value)> _rows = new();
        private double _value;

        public string StrategyInstance => strategyInstance;

        public int Series => series;

        public long Through { get; private set; } = long.MinValue;

        public bool Complete { get; private set; }

        /// <summary>How far the stream has promised, after <paramref name="batch"/>.</summary>
        public void Note(SignalBatch batch) => (Through, Complete) = (batch.Through, batch.Complete);

        public void Add(SignalBatch batch)
        {
            for (var i = 0; i < batch.BarIdx.Length; i++)
            {
                _rows.Enqueue((batch.BarIdx[i], batch.Value[i]));
            }
        }

        public bool TryTake(int barIdx, out double previous, out double value)
        {
            previous = _value;
            value = _value;
            if (!_rows.TryPeek(out var row) || row.BarIdx != barIdx)
            {
                return false;
            }

            _rows.Dequeue();
            value = _value = row.Value;
            return true;
        }
    }
}
