namespace SignalReplay.TestSupport;

/// <summary>Run configurations several test projects submit, over a synthetic dataset (series SYNA_1m, SYNB_1m, SYNC_1m).</summary>
public static class RunConfigs
{
    /// <summary>Two phases over 3 strategy instances x 2 stop levels: seconds on a 5-day dataset.</summary>
    public static string Small(string name, string dataset) => $$"""
        name: {{name}}
        data: { dataset: {{dataset}}, series: [SYNA_1m, SYNC_1m], batch_window: 1d }
        classifiers: [ { name: trend, series: SYNA_1m } ]
        strategies:
          - { name: momentum, series: SYNA_1m, params: { fast: [5, 10], slow: 40 } }
          - { name: breakout, series: SYNC_1m }
        portfolio: { risk: { stop_loss: [none, 0.01] } }
        phases:
          - { name: grid, kind: grid, top: 3 }
          - { name: regime, kind: regime, classifier: trend }
        """;

    /// <summary>Two phases over 24 strategy instances x 4 stop levels: long enough on 30 days to kill its process mid-run.</summary>
    public static string Sweep(string name, string dataset) => $$"""
        name: {{name}}
        data: { dataset: {{dataset}}, series: [SYNA_1m, SYNB_1m], batch_window: 1d }
        classifiers: [ { name: trend, series: SYNA_1m } ]
        strategies:
          - { name: momentum, series: SYNA_1m, params: { fast: [3, 5, 8, 10, 15], slow: [30, 40, 60, 80] } }
          - { name: breakout, series: SYNB_1m, params: { length: [10, 20, 30, 40] } }
        portfolio: { risk: { stop_loss: [none, 0.002, 0.005, 0.01] } }
        phases:
          - { name: grid, kind: grid, top: 5 }
          - { name: regime, kind: regime, classifier: trend }
        """;
}
