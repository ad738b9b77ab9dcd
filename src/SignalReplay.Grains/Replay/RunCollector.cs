using SignalReplay.Abstractions;
using SignalReplay.Core.Optimization;
using SignalReplay.Core.Portfolio;
using SignalReplay.Storage.Objects;
using SignalReplay.Storage.Results;

namespace SignalReplay.Grains.Replay;

/// <summary>
/// Takes a run's shard outcomes back in plan order and keeps what a run hands on: every score (for the ranks),
/// the best <c>top</c> results (by <see cref="Ranking"/>: score, then plan order; no trades or no score last), the silos that did work,
/// the spread of the Sharpes of the portfolios that traded (the trials a deflated Sharpe deflates by), and, with a phase output,
/// every portfolio's metrics row streamed into the phase's <c>metrics.parquet</c> (and with
/// <see cref="PhaseOutput.AllTrades"/> its trades into <c>trades.parquet</c>). Its memory grows with <c>top</c>
/// and a row group, plus eight bytes a portfolio for the scores the ranks are made of.
/// </summary>
internal sealed class RunCollector : IAsyncDisposable
{
    private readonly IReadOnlyList<PortfolioConfig> _portfolios;
    private readonly IReadOnlyList<string>? _candidates;
    private readonly int _top;
    private readonly IObjectStore _store;
    private readonly PhaseOutput? _output;
    private readonly PhaseMetricsWriter? _metrics;
    private readonly PhaseTradesWriter? _trades;
    private readonly double[] _keys;
    private readonly PriorityQueue<ScoredResult, (double Key, int Index)> _best =
        new(Comparer<(double Key, int Index)>.Create((a, b) => Ranking.Compare(a.Key, a.Index, b.Key, b.Index)));
    private readonly SortedSet<string> _hosts = new(StringComparer.Ordinal);
    private int _next;
    private int _delivered;
    private SharpeSpread _sharpes;

    public RunCollector(IReadOnlyList<PortfolioConfig> portfolios, IReadOnlyList<string>? candidates, int top, IObjectStore store, PhaseOutput? output)
    {
        (_portfolios, _candidates, _top, _store, _output) = (portfolios, candidates, Math.Max(0, top), store, output);
        _keys = new double[portfolios.Count];
        _metrics = output is null ? null : new PhaseMetricsWriter(output.Parameters);
        _trades = output is { AllTrades: true } ? new PhaseTradesWriter() : null;
    }

    /// <summary>Takes the outcome of the shard that holds the next portfolios of the plan.</summary>
    public async Task AddAsync(ShardOutcome outcome)
    {
        _delivered += outcome.SignalBatchesDelivered;
        _hosts.Add(outcome.Host);
        for (var i = 0; i < outcome.Results.Length; i++, _next++)
        {
            var (result, score) = (outcome.Results[i], outcome.Scores[i]);
            var key = Ranking.Key(score, result.Metrics.TradeCount);
            _keys[_next] = key;
            if (result.Metrics.TradeCount > 0)
            {
                _sharpes = _sharpes.Add(result.Metrics.Sharpe);
            }

            if (_metrics is not null)
            {
                await _metrics.AppendAsync(new PortfolioOutcome(_portfolios[_next], Candidate(_next), result, score));
            }

            if (_trades is not null)
            {
                await _trades.AppendAsync(_portfolios[_next].Id, result.Trades);
            }

            if (_top > 0)
            {
                _best.Enqueue(new ScoredResult(_next, score, result), (key, _next));
                if (_best.Count > _top)
                {
                    _best.Dequeue();
                }
            }
        }
    }

    /// <summary>Stores the phase's metrics file (when there is an output) and returns the run's outcome.</summary>
    public async Task<ReplayOutcome> FinishAsync(int shards, int published, TimeSpan replaying)
    {
        if (_next != _portfolios.Count)
        {
            throw new InvalidOperationException($"The run's shards returned {_next} of its {_portfolios.Count} portfolios.");
        }

        Core.Telemetry.SignalReplayTelemetry.SignalBatchesDelivered.Add(_delivered);
        var writing = System.Diagnostics.Stopwatch.StartNew();
        if (_metrics is not null && _output is { } output)
        {
            await _metrics.StoreAsync(_store, ResultsLayout.Metrics(output.Run, output.Phase), Ranks());
            if (_trades is not null)
            {
                await _trades.StoreAsync(_store, ResultsLayout.Trades(output.Run, output.Phase));
            }
        }

        writing.Stop();

        var best = new List<ScoredResult>();
        while (_best.TryDequeue(out var scored, out _))
        {
            best.Add(scored);
        }

        best.Reverse();
        return new ReplayOutcome(_portfolios.Count, [.. best], shards, published, _delivered, [.. _hosts], replaying.TotalSeconds, writing.Elapsed.TotalSeconds, _sharpes);
    }

    public async ValueTask DisposeAsync()
    {
        if (_metrics is not null)
        {
            await _metrics.DisposeAsync();
        }

        if (_trades is not null)
        {
            await _trades.DisposeAsync();
        }
    }

    private string Candidate(int index) => _candidates?[index] ?? _portfolios[index].Id;

    /// <summary>Each portfolio's rank by <see cref="Ranking"/>.</summary>
    private int[] Ranks()
    {
        var order = Enumerable.Range(0, _keys.Length).ToArray();
        Array.Sort(order, (a, b) => Ranking.Compare(_keys[b], b, _keys[a], a));
        var ranks = new int[order.Length];
        for (var r = 0; r < order.Length; r++)
        {
            ranks[order[r]] = r + 1;
        }

        return ranks;
    }
}
