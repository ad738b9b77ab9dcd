using System.Globalization;

namespace SignalReplay.Cli;

/// <summary>
/// The demo's run configuration: 15 strategy instances x 18 portfolio settings = 270 configurations,
/// ranked on the first three quarters of the trading days (grid, then per trend regime, then the regimes' best two
/// weighed into regime-adaptive ensembles), then validated on
/// the last quarter (at least 3 days, so each has a Sharpe) in walk-forward windows of at least 5 trading days.
/// The same file as <c>examples/optimize.yaml</c>, with the dates of the generated market.
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
        var windows = Math.Clamp(heldOut / 5, 1, 3);
        var inSample = $"{{ from: {Date(first)}, to: {Date(split)} }}";
        return $$"""
            # SignalReplay demo: a 4-phase optimization over the synthetic market.
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
              - name: validate
                kind: validate
                objective: max:sharpe
                top: 3
                range: { from: {{Date(split)}}, to: {{Date(end)}} }
                walk_forward: {{windows}}
            tracing: trade_complete
            """;
    }

    private static string Date(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}
