namespace SignalReplay.Core.Portfolio;

/// <summary>
/// SPEC 7's inputs gathered mark by mark in O(days) memory: day-end equity, the running peak and
/// deepest drawdown, first and last marks, exposure and mean equity. A portfolio keeps this instead of
/// a per-bar equity curve, so its state stays small however many bars it walks; the sums run in mark
/// order, so the metrics have the same bits as a computation over the whole curve.
/// </summary>
public sealed class MetricsAccumulator
{
    private const double MillisPerDay = 86_400_000;

    private readonly List<long> _dayEndTime = [];
    private readonly List<double> _dayEndEquity = [];
    private double _peak = double.MinValue;
    private double _maxDrawdown;
    private double _equitySum;
    private int _marks;
    private int _invested;
    private long _firstTime;
    private double _firstEquity;
    private long _lastTime;
    private double _lastEquity;

    public int Marks => _marks;

    /// <summary>The equity at the last mark of each UTC date so far, the current date's included.</summary>
    public IReadOnlyList<double> DayEndEquity => [.. _dayEndEquity, .. _marks > 0 ? [_lastEquity] : Array.Empty<double>()];

    public IReadOnlyList<long> DayEndTime => [.. _dayEndTime, .. _marks > 0 ? [_lastTime] : Array.Empty<long>()];

    /// <summary>Simple returns between the equity at the last mark of consecutive UTC dates (n dates, n - 1 returns).</summary>
    public double[] DailyReturns()
    {
        var closes = DayEndEquity;
        var returns = new double[Math.Max(0, closes.Count - 1)];
        for (var d = 0; d < returns.Length; d++)
        {
            returns[d] = (closes[d + 1] / closes[d]) - 1;
        }

        return returns;
    }

    public void Add(long time, double equity, bool invested)
    {
        if (_marks == 0)
        {
            (_firstTime, _firstEquity) = (time, equity);
        }
        else if (Math.Floor(time / MillisPerDay) != Math.Floor(_lastTime / MillisPerDay))
        {
            _dayEndTime.Add(_lastTime);
            _dayEndEquity.Add(_lastEquity);
        }

        _peak = Math.Max(_peak, equity);
        _maxDrawdown = Math.Max(_maxDrawdown, 1 - (equity / _peak));
        _equitySum += equity;
        _invested += invested ? 1 : 0;
        _marks++;
        (_lastTime, _lastEquity) = (time, equity);
    }

    public PerformanceMetrics Finish(IReadOnlyList<ClosedTrade> trades, double tradedNotional)
    {
        if (_marks == 0)
        {
            return new PerformanceMetrics(0, 0, 0, 0, 0, 0, 0, 0, trades.Count, 0, 0, 0);
        }

        var returns = DailyReturns();
        var days = (_lastTime - _firstTime) / MillisPerDay;
        var cagr = days <= 0 || _firstEquity <= 0 || _lastEquity <= 0 ? 0 : Math.Pow(_lastEquity / _firstEquity, 365.25 / days) - 1;
        var (winRate, profitFactor, averageTradeReturn) = PerformanceMetrics.TradeStatistics(trades);
        return new PerformanceMetrics(
            TotalReturn: (_lastEquity / _firstEquity) - 1,
            Sharpe: PerformanceMetrics.SharpeOf(returns),
            Sortino: PerformanceMetrics.SortinoOf(returns),
            MaxDrawdown: _maxDrawdown,
            Cagr: cagr,
            Calmar: _maxDrawdown == 0 ? 0 : cagr / _maxDrawdown,
            WinRate: winRate,
            ProfitFactor: profitFactor,
            TradeCount: trades.Count,
            AverageTradeReturn: averageTradeReturn,
            Exposure: (double)_invested / _marks,
            Turnover: tradedNotional / (_equitySum / _marks));
    }
}
