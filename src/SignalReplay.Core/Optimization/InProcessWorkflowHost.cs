using SignalReplay.Core.Generation;
using SignalReplay.Core.Portfolio;
using SignalReplay.Core.Replay;
using SignalReplay.Core.Statistics;

namespace SignalReplay.Core.Optimization;

/// <summary>
/// A <see cref="Workflow"/> host in this process: it replays every plan with <see cref="Backtest.FromSignalSet"/> over bars and a signal set in
/// memory, ranks as the replay grains do (<see cref="Ranking"/>: score, then plan order), and keeps each phase's written outcomes in
/// <see cref="Written"/> instead of files.
/// </summary>
public sealed class InProcessWorkflowHost(IReadOnlyList<BarSeries> series, SignalSet signals) : IWorkflowHost
{
    private readonly Dictionary<string, IReadOnlyList<PortfolioOutcome>> _written = new(StringComparer.Ordinal);

    /// <summary>Each written phase's kept outcomes, by phase name.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<PortfolioOutcome>> Written => _written;

    /// <summary>Every replay job asked for, in order.</summary>
    public List<ReplayJob> Jobs { get; } = [];

    public Task<ReplayedPlan> ReplayAsync(ReplayJob job)
    {
        Jobs.Add(job);
        var portfolios = job.Plan.Portfolios;
        var results = Backtest.FromSignalSet(series, signals, portfolios);
        var sharpes = default(SharpeSpread);
        var scored = new List<ScoredPortfolio>(results.Count);
        for (var i = 0; i < results.Count; i++)
        {
            var result = job.KeepDetail ? results[i] : results[i] with { Events = [], EquityTime = [], Equity = [] };
            scored.Add(new ScoredPortfolio(i, job.Objective.Score(result.Metrics), result));
            sharpes = result.Metrics.TradeCount > 0 ? sharpes.Add(result.Metrics.Sharpe) : sharpes;
        }

        var top = scored
            .OrderByDescending(s => Ranking.Key(s.Score, s.Result.Metrics.TradeCount))
            .Take(job.Top)
            .ToList();
        return Task.FromResult(new ReplayedPlan(top, Sharpes: sharpes));
    }

    public Task WritePhaseAsync(PhaseSection phase, IReadOnlyList<PortfolioOutcome> kept, bool metricsStreamed)
    {
        _written[phase.Name] = kept;
        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<long>> BarTimesAsync() =>
        Task.FromResult<IReadOnlyList<long>>(series.Count == 0 ? [] : series[0].Time.ToArray());

    public void Report(string detail)
    {
    }
}
