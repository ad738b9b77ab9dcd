using SignalReplay.Core.Replay;

namespace SignalReplay.Core.Portfolio;

/// <summary>
/// SPEC 7's inputs gathered mark by mark in O(1) memory: the daily-return statistics (from the equity at
/// the last mark of each UTC date), the running peak and deepest drawdown, first and last marks and
/// exposure; the day-end equity curve itself only when asked to record it. A portfolio keeps this instead
/// of a per-bar equity curve, so its state stays small however many bars it walks. Nothing here sums over
/// bars: a run of bars can be marked at once (<see cref="AddRun"/>) with the same bits as bar by bar.
/// </summary>
public sealed class MetricsAccumulator(bool recordCurve = true)
{
    private const double MillisPerDay = 86_400_000;

    private readonly List<long>? _dayEndTime = recordCurve ? [] : null;
    private readonly List<double>? _dayEndEquity = recordCurve ? [] : null;
    private ReturnStatistics _returns;
    private double _dayEndSum;
    private int _dayEnds;
    private double _previousDayEnd;
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

    /// <summary>The equity of the last mark.</summary>
    public double LastEquity => _lastEquity;

    /// <summary>The equity at the last mark of each UTC date so far, the current date's included (a recording accumulator only).</summary>
    public IReadOnlyList<double> DayEndEquity => [.. Curve(_dayEndEquity), .. _marks > 0 ? [_lastEquity] : Array.Empty<double>()];

    public IReadOnlyList<long> DayEndTime => [.. Curve(_dayEndTime), .. _marks > 0 ? [_lastTime] : Array.Empty<long>()];

    /// <summary>Simple returns between the equity at the last mark of consecutive UTC dates (n dates, n - 1 returns).</summary>
    public double[] DailyReturns() => Statistics.DailyReturns.Of(DayEndEquity);

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
            DayEnd(time[days[day] - 1], line.At(close[days[day] - 1]));
        }

        (_peak, _maxDrawdown) = (peak, maxDrawdown);
        _invested += line.Invested ? to - from : 0;
        _marks += to - from;
        (_lastTime, _lastEquity) = (time[to - 1], line.At(close[to - 1]));
    }

    public PerformanceMetrics Finish(IReadOnlyList<ClosedTrade> trades, double tradedNotional) => Finish(TradeTally.Of(trades), tradedNotional);

    public PerformanceMetrics Finish(in TradeTally trades, double tradedNotional)
    {
        if (_marks == 0)
        {
            // Nothing marked (a window without bars): nothing is defined but the count of trades.
            return new PerformanceMetrics(
                double.NaN, double.NaN, double.NaN, double.NaN, double.NaN, double.NaN, trades.WinRate, trades.ProfitFactor, trades.Count, trades.AverageReturn, double.NaN, double.NaN);
        }

        // The current date's last mark closes it: counted here, on copies, so Finish leaves the state as it was.
        var returns = _returns;
        if (_dayEnds > 0)
        {
            returns.Add((_lastEquity / _previousDayEnd) - 1);
        }

        var meanDayEnd = (_dayEndSum + _lastEquity) / (_dayEnds + 1);
        var days = (_lastTime - _firstTime) / MillisPerDay;
        var cagr = days <= 0 || _firstEquity <= 0 || _lastEquity < 0 ? double.NaN : Math.Pow(_lastEquity / _firstEquity, 365.25 / days) - 1;
        return new PerformanceMetrics(
            TotalReturn: (_lastEquity / _firstEquity) - 1,
            Sharpe: returns.Sharpe,
            Sortino: returns.Sortino,
            MaxDrawdown: _maxDrawdown,
            Cagr: cagr,
            Calmar: _maxDrawdown == 0 ? double.NaN : cagr / _maxDrawdown,
            WinRate: trades.WinRate,
            ProfitFactor: trades.ProfitFactor,
            TradeCount: trades.Count,
            AverageTradeReturn: trades.AverageReturn,
            Exposure: (double)_invested / _marks,
            Turnover: tradedNotional / meanDayEnd);
    }

    private static IReadOnlyList<T> Curve<T>(List<T>? curve) =>
        curve ?? throw new InvalidOperationException("This accumulator keeps no day-end curve; create it with recordCurve: true.");

    /// <summary>The first mark, or a new UTC date: the last mark before it is that date's close.</summary>
    private void Dated(long time, double equity)
    {
        if (_marks == 0)
        {
            (_firstTime, _firstEquity) = (time, equity);
        }
        else if (BarTable.Day(time) != BarTable.Day(_lastTime))
        {
            DayEnd(_lastTime, _lastEquity);
        }
    }

    /// <summary>A UTC date closed at <paramref name="equity"/>: one more daily return (after the first date) and day-end mark.</summary>
    private void DayEnd(long time, double equity)
    {
        if (_dayEnds > 0)
        {
            _returns.Add((equity / _previousDayEnd) - 1);
        }

        _previousDayEnd = equity;
        _dayEndSum += equity;
        _dayEnds++;
        _dayEndTime?.Add(time);
        _dayEndEquity?.Add(equity);
    }
}

/// <summary>
/// Running statistics of daily returns in O(1): their count, the sums of r, r^2 and min(r, 0)^2, and whether
/// they were all equal (then the deviation is 0 exactly, not a rounding residue). Plain sums in arrival
/// order: for daily returns the variance formula loses nothing that matters (its relative error is about
/// eps x (1 + daily Sharpe^2)), and this runs once per day per portfolio of a sweep, so it must be cheap.
/// </summary>
internal struct ReturnStatistics
{
    private static readonly double AnnualRoot = Math.Sqrt(252);

    private int _count;
    private double _sum;
    private double _squares;
    private double _downside;
    private double _first;
    private bool _varied;

    public void Add(double r)
    {
        if (_count == 0)
        {
            _first = r;
        }

        _varied |= r != _first;
        _count++;
        _sum += r;
        _squares += r * r;
        if (r < 0)
        {
            _downside += r * r;
        }
    }

    /// <summary>mean / stdev (n - 1) x sqrt(252); 0 without variation, undefined (NaN) with fewer than 2 returns.</summary>
    public readonly double Sharpe
    {
        get
        {
            if (_count < 2)
            {
                return double.NaN;
            }

            if (!_varied)
            {
                return 0;
            }

            var deviation = Math.Sqrt(Math.Max(0, (_squares - (_sum * _sum / _count)) / (_count - 1)));
            return deviation == 0 ? 0 : Mean / deviation * AnnualRoot;
        }
    }

    /// <summary>mean / sqrt(mean(min(r, 0)^2)) x sqrt(252); undefined (NaN) with fewer than 2 returns or no losing day.</summary>
    public readonly double Sortino
    {
        get
        {
            var deviation = _count < 2 ? 0 : Math.Sqrt(_downside / _count);
            return deviation == 0 ? double.NaN : Mean / deviation * AnnualRoot;
        }
    }

    private readonly double Mean => _sum / _count;

    public static ReturnStatistics Of(ReadOnlySpan<double> returns)
    {
        var statistics = default(ReturnStatistics);
        foreach (var r in returns)
        {
            statistics.Add(r);
        }

        return statistics;
    }
}

/// <summary>Closed-trade statistics gathered trade by trade (in closing order), so a portfolio need not keep its trades to score them.</summary>
public struct TradeTally
{
    private double _profit;
    private double _loss;
    private double _returns;
    private int _wins;

    public int Count { get; private set; }

    /// <summary>The share of trades that made money; undefined (NaN) without trades.</summary>
    public readonly double WinRate => Count == 0 ? double.NaN : (double)_wins / Count;

    /// <summary>Gross profit over gross loss; undefined (NaN) without a losing trade.</summary>
    public readonly double ProfitFactor => _loss == 0 ? double.NaN : _profit / _loss;

    /// <summary>The mean trade return; undefined (NaN) without trades.</summary>
    public readonly double AverageReturn => Count == 0 ? double.NaN : _returns / Count;

    public void Add(ClosedTrade trade) => Add(trade.Pnl, trade.Return);

    /// <summary>One closed trade's net P&amp;L and return.</summary>
    public void Add(double pnl, double tradeReturn)
    {
        Count++;
        _wins += pnl > 0 ? 1 : 0;
        _profit += Math.Max(pnl, 0);
        _loss += Math.Max(-pnl, 0);
        _returns += tradeReturn;
    }

    public static TradeTally Of(IReadOnlyList<ClosedTrade> trades)
    {
        var tally = default(TradeTally);
        foreach (var trade in trades)
        {
            tally.Add(trade);
        }

        return tally;
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
