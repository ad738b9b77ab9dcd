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
/// <see cref="PortfolioEngine"/>. It subscribes to its own strategies' signal streams only, walks the
/// silo's shared base bars in slices (marking to market and applying stops between signals), and
/// releases each slice once every stream it listens to has passed its time. The dispatch order per
/// slice is <see cref="SliceDispatcher"/>'s, so the result equals the in-process replay bit for bit.
/// </summary>
[Reentrant] // CompleteAsync waits for batches that arrive as other calls into this grain.
public sealed class PortfolioGrain(BaseDataCache cache) : Grain, IPortfolioGrain
{
    private readonly TaskCompletionSource _done = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Dictionary<string, StrategyFeed> _feeds = new(StringComparer.Ordinal);
    private PortfolioEngine? _engine;
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
        var run = this.GetPrimaryKeyString()[..this.GetPrimaryKeyString().LastIndexOf('/')];
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
            _feeds[batch.StrategyInstance].Add(batch);
            Walk(_feeds.Values.Min(feed => feed.Through));
            if (_feeds.Values.All(feed => feed.Complete) && _walker!.NextEnd == long.MaxValue)
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

        public void Add(SignalBatch batch)
        {
            for (var i = 0; i < batch.BarIdx.Length; i++)
            {
                _rows.Enqueue((batch.BarIdx[i], batch.Value[i]));
            }

            Through = batch.Through;
            Complete = batch.Complete;
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
