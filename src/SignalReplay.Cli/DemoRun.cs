using System.Globalization;

namespace SignalReplay.Cli;

/// <summary>
/// The demo's run configuration: 15 strategy instances x 18 portfolio settings = 270 configurations,
/// ranked on the first three quarters of the trading days (grid, then per trend regime, then the regimes' best two
/// weighed into regime-adaptive ensembles); then walk-forward over the whole market: in each window those three phases
/// re-optimize on a train span of half the calendar days and the chosen ensemble trades the next eighth, the windows chained into
/// one out-of-sample curve. <c>examples/optimize.yaml</c> is the same run with a held-out validate phase before the walk-forward.
/// </summary>
internal static class DemoRun
{
    /// <summary>The fewest trading days the demo runs on: 3 held out and the rest in sample, each with 2 daily returns.</summary>
    public const int MinimumDays = 10;

    /// <param name="dataset">The base dataset of the generated market.</param>
    /// <param name="tradingDays">The market's trading dates, in order.</param>
    public static string Config(string dataset, IReadOnlyList<DateOnly> tradingDays)
    {
        var heldOut = Math.Max(3, tradingDays.Count / 4);
        var (first, split, end) = (tradingDays[0], tradingDays[^heldOut], tradingDays[^1].AddDays(1));
        // Walk-forward over the whole market: train on half of it, trade the next eighth (at least 4 days, so each test span has
        // daily returns), move on by as much.
        var days = end.DayNumber - first.DayNumber;
        var (train, test) = (days / 2, Math.Max(4, days / 8));
        var inSample = $"{{ from: {Date(first)}, to: {Date(split)} }}";
        return $$"""
            # SignalReplay demo: a 4-phase optimization over the synthetic market; walk_forward re-runs the first three in each window.
            name: demo
            data:
              dataset: {{dataset}}
              series: [SYNA_1m, SYNB_1m, SYNC_1m, SYND_5m]
              max_buffer_size: 20000
              batch_window: 7d
            classifiers:
              - name: trend
                series: SYNA_1m
              - name: volatility
                series: SYNA_1m
            strategies:
              - name: momentum
                series: SYNA_1m
                params: { fast: [5, 10, 20], slow: [50, 100, 200] }
              - name: mean_reversion
                series: SYNB_1m
                params: { length: [14, 28] }
              - name: breakout
                series: SYNC_1m
                params: { length: [30, 60, 120] }
              - name: correlation_momentum
                series: [SYNA_1m, SYNB_1m, SYND_5m]
                params: { lookback: 30 }
            portfolio:
              starting_cash: 10000
              sizing:
                - fixed_fraction: [0.5, 1.0]
              execution: { fill: next_open, commission_bps: 1, slippage_bps: 1 }
              risk:
                stop_loss: [none, 0.005, 0.01]
                take_profit: [none, 0.01, 0.02]
            phases:
              - name: grid
                kind: grid
                objective: max:sharpe
                top: 10
                range: {{inSample}}
              - name: regime
                kind: regime
                classifier: trend
                objective: max:sharpe
                range: {{inSample}}
              - name: ensemble
                kind: ensemble
                members: 2
                weight_step: 0.5
                objective: max:sharpe
                top: 3
                range: {{inSample}}
              - name: walk_forward
                kind: walk_forward
                objective: max:sharpe
                train: {{train}}d
                test: {{test}}d
            tracing: trade_complete
            """;
    }

    private static string Date(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}
