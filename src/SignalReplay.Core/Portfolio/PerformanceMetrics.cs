namespace SignalReplay.Core.Portfolio;

/// <summary>
/// SPEC 7's metrics, with its exact definitions. Equity is marked at every bar close of the traded
/// series; daily returns are simple returns between the equity at the last bar of consecutive UTC
/// dates (n dates give n - 1 returns). Every sum runs in bar order, so the same inputs give the same bits.
/// Turnover is traded notional over the mean of the day-end equities (a run of bars marked at once
/// must give the bits of the same bars marked one by one, which a per-bar sum could not promise).
/// A metric its inputs do not define is NaN, never 0: Sharpe with fewer than 2 daily returns, Sortino
/// without a losing day, profit factor without a losing trade, win rate and average trade return without
/// trades, Calmar without a drawdown, and everything but the trade count when nothing was marked.
/// </summary>
public sealed record PerformanceMetrics(
    double TotalReturn,
    double Sharpe,
    double Sortino,
    double MaxDrawdown,
    double Cagr,
    double Calmar,
    double WinRate,
    double ProfitFactor,
    int TradeCount,
    double AverageTradeReturn,
    double Exposure,
    double Turnover)
{
    /// <summary>Every metric name an objective may use.</summary>
    public static IReadOnlyList<string> Names { get; } =
    [
        "total_return", "sharpe", "sortino", "max_drawdown", "cagr", "calmar",
        "win_rate", "profit_factor", "trade_count", "average_trade_return", "exposure", "turnover",
    ];

    /// <summary>Metrics from their values in <see cref="Names"/> order.</summary>
    public static PerformanceMetrics FromValues(IReadOnlyList<double> m) =>
        m.Count == Names.Count
            ? new PerformanceMetrics(m[0], m[1], m[2], m[3], m[4], m[5], m[6], m[7], (int)m[8], m[9], m[10], m[11])
            : throw new ArgumentException($"Metrics take {Names.Count} values in the order {string.Join(", ", Names)}; {m.Count} given.");

    /// <summary>The metric called <paramref name="name"/> (snake_case, as in <see cref="Names"/>).</summary>
    public double Get(string name) => name switch
    {
        "total_return" => TotalReturn,
        "sharpe" => Sharpe,
        "sortino" => Sortino,
        "max_drawdown" => MaxDrawdown,
        "cagr" => Cagr,
        "calmar" => Calmar,
        "win_rate" => WinRate,
        "profit_factor" => ProfitFactor,
        "trade_count" => TradeCount,
        "average_trade_return" => AverageTradeReturn,
        "exposure" => Exposure,
        "turnover" => Turnover,
        _ => throw new ArgumentException($"Unknown metric '{name}'; metrics are {string.Join(", ", Names)}."),
    };

    /// <param name="time">Bar times of the equity marks (Unix ms UTC), increasing.</param>
    /// <param name="equity">Equity at each bar's close.</param>
    /// <param name="invested">Whether a position was held at each bar's close.</param>
    /// <param name="trades">Closed trades, in closing order.</param>
    /// <param name="tradedNotional">Sum of |quantity x price| over every fill.</param>
    public static PerformanceMetrics Compute(
        ReadOnlySpan<long> time, ReadOnlySpan<double> equity, ReadOnlySpan<bool> invested, IReadOnlyList<ClosedTrade> trades, double tradedNotional)
    {
        if (time.Length != equity.Length || invested.Length != equity.Length)
        {
            throw new ArgumentException($"Metrics need one time, equity and position flag per bar ({time.Length}, {equity.Length}, {invested.Length} given).");
        }

        // One code path: a whole curve is just every mark given to the accumulator a portfolio uses.
        var accumulator = new MetricsAccumulator();
        for (var i = 0; i < equity.Length; i++)
        {
            accumulator.Add(time[i], equity[i], invested[i]);
        }

        return accumulator.Finish(trades, tradedNotional);
    }

    /// <summary>mean / stdev (n - 1) x sqrt(252); 0 without variation, NaN with fewer than 2 returns.</summary>
    public static double SharpeOf(ReadOnlySpan<double> returns) => ReturnStatistics.Of(returns).Sharpe;

    /// <summary>mean / sqrt(mean(min(r, 0)^2)) x sqrt(252); NaN with fewer than 2 returns or no losing day.</summary>
    public static double SortinoOf(ReadOnlySpan<double> returns) => ReturnStatistics.Of(returns).Sortino;
}

/// <summary>An optimisation objective: one metric by name, maximised or minimised.</summary>
public sealed record Objective(string Metric, bool Maximise = true)
{
    /// <summary>Parses <c>sharpe</c>, <c>max:sharpe</c> or <c>min:max_drawdown</c>.</summary>
    public static Objective Parse(string text)
    {
        var (direction, metric) = text.Split(':') switch
        {
            [var only] => ("max", only),
            [var d, var m] => (d, m),
            _ => throw new ArgumentException($"'{text}' is not an objective: use a metric name, max:NAME or min:NAME."),
        };
        if (!PerformanceMetrics.Names.Contains(metric))
        {
            throw new ArgumentException($"Objective '{text}': unknown metric '{metric}'; metrics are {string.Join(", ", PerformanceMetrics.Names)}.");
        }

        return direction switch
        {
            "max" => new Objective(metric, true),
            "min" => new Objective(metric, false),
            _ => throw new ArgumentException($"Objective '{text}': direction must be max or min, not '{direction}'."),
        };
    }

    /// <summary>The score to sort by, larger is better, whichever way the objective points.</summary>
    public double Score(PerformanceMetrics metrics) => Maximise ? metrics.Get(Metric) : -metrics.Get(Metric);

    public override string ToString() => $"{(Maximise ? "max" : "min")}:{Metric}";
}
