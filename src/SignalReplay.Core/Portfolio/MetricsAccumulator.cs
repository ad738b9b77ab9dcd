using SignalReplay.Core.Replay;

namespace SignalReplay.Core.Portfolio;

/// <summary>
/// SPEC 7's inputs gathered mark by mark in O(days) memory: day-end equity, the running peak and
/// deepest drawdown, first and last marks and exposure. A portfolio keeps this instead of a per-bar
/// equity curve, so its state stays small however many bars it walks. Nothing here sums over bars:
/// a run of bars can be marked at once (<see cref="AddRun"/>) with the same bits as bar by bar.
/// </summary>
public sealed class MetricsAccumulator
{
    private const double MillisPerDay = 86_400_000;

    private readonly List<long> _dayEndTime = [];
    private readonly List<double> _dayEndEquity = [];
    private double _peak = double.MinValue;
    private double _maxDrawdown;
    private int _marks;
    private int _invested;
    private long _firstTime;
    private double _firstEquity;
    private long _lastTime;
    private double _lastEquity;

    public int Marks => _marks;

    /// <summary>The highest equity marked so far (<see cref="double.MinValue"/> before the first mark).</summary>
    public double Peak => _peak;

    /// <summary>The largest 1 - equity / peak so far.</summary>
    public double MaxDrawdown => _maxDrawdown;

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
        Dated(time, equity);
        _peak = Math.Max(_peak, equity);
        _maxDrawdown = Math.Max(_maxDrawdown, 1 - (equity / _peak));
        _invested += invested ? 1 : 0;
        _marks++;
        (_lastTime, _lastEquity) = (time, equity);
    }

    /// <summary>
    /// Marks bars [<paramref name="from"/>, <paramref name="to"/>) of <paramref name="table"/> at once, each
    /// at <paramref name="line"/> of its close: the state <see cref="Add"/> would leave bar by bar.
    /// <paramref name="peak"/> and <paramref name="maxDrawdown"/> are the running extremes after the run,
    /// which the caller's walk over the table computed.
    /// </summary>
    public void AddRun(BarTable table, int from, int to, EquityLine line, double peak, double maxDrawdown)
    {
        if (from >= to)
        {
            return;
        }

        ReadOnlySpan<long> time = table.Series.Time;
        ReadOnlySpan<double> close = table.Series.Close;
        Dated(time[from], line.At(close[from]));
        var days = table.DayStarts;
        var day = days.BinarySearch(from + 1);
        for (day = day >= 0 ? day : ~day; day < days.Length && days[day] < to; day++)
        {
            _dayEndTime.Add(time[days[day] - 1]);
            _dayEndEquity.Add(line.At(close[days[day] - 1]));
        }

        (_peak, _maxDrawdown) = (peak, maxDrawdown);
        _invested += line.Invested ? to - from : 0;
        _marks += to - from;
        (_lastTime, _lastEquity) = (time[to - 1], line.At(close[to - 1]));
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
            Turnover: tradedNotional / Mean(DayEndEquity));
    }

    private static double Mean(IReadOnlyList<double> values)
    {
        double sum = 0;
        foreach (var value in values)
        {
            sum += value;
        }

        return sum / values.Count;
    }

    /// <summary>The first mark, or a new UTC date: the last mark before it is that date's close.</summary>
    private void Dated(long time, double equity)
    {
        if (_marks == 0)
        {
            (_firstTime, _firstEquity) = (time, equity);
        }
        else if (BarTable.Day(time) != BarTable.Day(_lastTime))
        {
            _dayEndTime.Add(_lastTime);
            _dayEndEquity.Add(_lastEquity);
        }
    }
}

/// <summary>
/// Equity while cash and a single position stay constant: cash plus position times the price, computed
/// exactly as the engine marks it, so a run marked at once has the bits of one marked bar by bar.
/// </summary>
public readonly record struct EquityLine(double Cash, double Position)
{
    public bool Invested => Position != 0;

    public double At(double price) => Cash + (Position == 0 ? 0 : Position * price);
}
