using SignalReplay.Core.Features;
using SignalReplay.Core.Generation;

namespace SignalReplay.Core.Portfolio;

/// <summary>
/// One portfolio, bar by bar (SPEC 6): targets per strategy from SIGNAL events, netted per symbol,
/// sized, checked by the risk validators, filled by the execution model at the signal close or the
/// next open; stops between signals; equity marked at every bar close of the traded series. Replay
/// and full mode feed it the same calls in the same order, so both give the same bits.
/// Per slice: <see cref="OnBar"/> for each bar that ended, then <see cref="OnRegime"/>, then
/// <see cref="OnSignal"/>, then <see cref="EndOfSlice"/>. The bars of a slice are applied in the
/// engine's own symbol order, whatever order they are handed in: first every fill waiting for an
/// open (sized on the previous closes: nothing of this slice's closes is known at its opens), then
/// stops, then the new closes.
/// </summary>
public sealed partial class PortfolioEngine
{
    private readonly PortfolioConfig _config;
    private readonly IReadOnlyList<IRiskValidator> _validators;
    private readonly StopLevels? _stops;
    private readonly Dictionary<string, (Book Book, int Slot)[]> _strategies = []; // a strategy in several regime sets has a slot for each
    private readonly Dictionary<SeriesId, Book> _books = [];
    private readonly Book[] _bookOrder; // the books in one fixed order: every per-bar loop runs over this array
    private readonly MetricsAccumulator _marks;
    private readonly bool _keepDetail;
    private readonly bool _keepTrades;
    private readonly List<ClosedTrade> _trades = [];
    private readonly List<TraceEvent> _events = [];
    private readonly List<string> _reasons = [];
    private TradeTally _tally;
    private int _boundaryTrades;
    private double _cash;
    private double _peak;
    private double _tradedNotional;
    private bool _halted;
    private string? _regime;
    private long _sliceBarTime = long.MinValue;
    private int _riskRejects;
    private bool _barsArrived;
    private WindowState _state;

    /// <param name="config">The portfolio.</param>
    /// <param name="keepDetail">
    /// Keep its closed trades, day-end equity curve and traced events for the result; without, the result carries
    /// its metrics and counts only (a sweep's portfolios), computed from the same running statistics, so the
    /// metrics are the same bits either way.
    /// </param>
    /// <param name="keepTrades">Keep its closed trades even without the rest of its detail (a phase that stores every portfolio's trades).</param>
    public PortfolioEngine(PortfolioConfig config, bool keepDetail = true, bool keepTrades = false)
    {
        _config = config.Validate();
        _keepDetail = keepDetail;
        _keepTrades = keepDetail || keepTrades;
        _marks = new MetricsAccumulator(recordCurve: keepDetail);
        _validators = config.Risk.Validators();
        _stops = config.Risk.StopLoss is not null || config.Risk.TakeProfit is not null ? new StopLevels(config.Risk.StopLoss, config.Risk.TakeProfit) : null;
        _cash = _peak = config.StartingCash;
        _bookOrder = [];
        foreach (var group in config.Assignments.GroupBy(a => a.Series))
        {
            var book = new Book(group.Key, [.. group], config.VolatilityLookback);
            _books[group.Key] = book;
            for (var slot = 0; slot < book.Assignments.Length; slot++)
            {
                var instance = book.Assignments[slot].StrategyInstance;
                _strategies[instance] = [.. _strategies.GetValueOrDefault(instance) ?? [], (book, slot)];
            }
        }

        _bookOrder = [.. _books.Values];
        _state = config.Window is null ? WindowState.Trading : WindowState.Warming;
    }

    /// <summary>Where the engine is relative to its <see cref="PortfolioConfig.Window"/>.</summary>
    private enum WindowState
    {
        /// <summary>Before the window: prices, volatility, regime and targets are tracked; nothing trades.</summary>
        Warming,

        Trading,

        /// <summary>After the window: nothing is seen.</summary>
        Ended,
    }

    public string Id => _config.Id;

    /// <summary>The series this portfolio trades.</summary>
    public IReadOnlyCollection<SeriesId> Series => _books.Keys;

    /// <summary>A bar of <paramref name="series"/> ended; it is applied with the rest of its slice.</summary>
    public void OnBar(SeriesId series, in Bar bar)
    {
        if (_books.TryGetValue(series, out var book))
        {
            book.Arrived = bar;
            _barsArrived = true;
        }
    }

    /// <summary>Applies the slice's bars: fills at the opens, then stops, then the closes, in symbol order.</summary>
    private void ApplyBars()
    {
        if (!_barsArrived)
        {
            return;
        }

        _barsArrived = false;
        if (_config.Window is { } window && !EnterWindow(window))
        {
            return;
        }

        foreach (var book in _bookOrder)
        {
            if (book.Arrived is { } bar && book.Pending)
            {
                Rebalance(book, bar.Open, bar.Time);
            }
        }

        foreach (var book in _bookOrder)
        {
            if (book.Arrived is { } bar && _stops is not null && book.Position != 0
                && _stops.ExitPrice(book.Position, book.AverageEntry, bar.Open, bar.High, bar.Low) is { } exit)
            {
                // Stopped out: flat until a strategy of this symbol signals again.
                Array.Clear(book.Target);
                Array.Clear(book.SizedTarget);
                Array.Clear(book.Allocation);
                Execute(book, -book.Position, exit, bar.Time, "stop");
            }
        }

        foreach (var book in _bookOrder)
        {
            if (book.Arrived is { } bar)
            {
                Observe(book, bar);
                _sliceBarTime = Math.Max(_sliceBarTime, bar.Time);
            }
        }
    }

    /// <summary>
    /// Places this slice against the trading window: false when its bars fall outside it (they only warm
    /// prices and volatility up, or are dropped after it). At the window's first slice every strategy
    /// target held from before becomes an order, filled at that slice's opens.
    /// </summary>
    private bool EnterWindow(TradingWindow window)
    {
        var time = long.MinValue;
        foreach (var book in _bookOrder)
        {
            time = book.Arrived is { } arrived ? Math.Max(time, arrived.Time) : time;
        }

        if (time >= window.To || _state == WindowState.Ended)
        {
            _state = WindowState.Ended;
            foreach (var book in _bookOrder)
            {
                book.Arrived = null;
            }

            return false;
        }

        if (time < window.From)
        {
            foreach (var book in _bookOrder)
            {
                if (book.Arrived is { } bar)
                {
                    Observe(book, bar);
                }
            }

            return false;
        }

        if (_state == WindowState.Warming)
        {
            _state = WindowState.Trading;
            foreach (var book in _bookOrder)
            {
                book.Pending = book.Target.Any(target => target != 0);
            }
        }

        return true;
    }

    /// <summary>The classifier <paramref name="classifier"/> changed to <paramref name="regime"/> at this slice.</summary>
    public void OnRegime(string classifier, string? regime)
    {
        ApplyBars();
        if (_config.RegimeFilter is not { } filter || classifier != filter.Classifier || _state == WindowState.Ended)
        {
            return;
        }

        var was = _regime;
        _regime = regime;
        if (_state != WindowState.Trading || filter.OnExit != RegimeExit.Close)
        {
            return;
        }

        // Each strategy leaving its regimes closes; a book where one did rebalances.
        foreach (var book in _bookOrder)
        {
            var leaving = false;
            for (var slot = 0; slot < book.Assignments.Length; slot++)
            {
                if (Allowed(book.Assignments[slot], was) && !Allowed(book.Assignments[slot], regime))
                {
                    book.Target[slot] = 0;
                    leaving = true;
                }
            }

            if (leaving)
            {
                Schedule(book, _sliceBarTime);
            }
        }
    }

    /// <summary>A strategy's target changed at the close of <paramref name="signal"/>'s bar.</summary>
    public void OnSignal(in SignalEvent signal)
    {
        ApplyBars();
        if (_state == WindowState.Ended || !_strategies.TryGetValue(signal.StrategyInstance, out var assigned))
        {
            return;
        }

        foreach (var (book, slot) in assigned)
        {
            var target = Filtered(book.Assignments[slot], book.Target[slot], signal.Value);
            if (target == book.Target[slot])
            {
                continue;
            }

            book.Target[slot] = target;
            if (_state == WindowState.Trading)
            {
                Schedule(book, signal.Bar.Time);
            }
        }
    }

    /// <summary>Closes the slice: marks equity at the closes, and halts on a drawdown breach.</summary>
    public void EndOfSlice()
    {
        ApplyBars();
        if (_sliceBarTime == long.MinValue)
        {
            return;
        }

        var equity = Equity();
        if (!_halted && _config.Risk.MaxDrawdownHalt is { } limit && _peak > 0 && 1 - (equity / _peak) >= limit)
        {
            _halted = true;
            foreach (var book in _books.Values.Where(b => b.Position != 0))
            {
                Array.Clear(book.Target);
                Schedule(book, _sliceBarTime);
            }

            equity = Equity();
        }

        _peak = Math.Max(_peak, equity);
        _marks.Add(_sliceBarTime, equity, Invested());
        _sliceBarTime = long.MinValue;
    }

    public PortfolioResult Finish()
    {
        var metrics = _marks.Finish(_tally, _tradedNotional);
        var open = _books.Values.Where(b => b.Position != 0)
            .Select(b => new OpenPosition(b.Series.Symbol, b.Position, b.AverageEntry, b.LastClose))
            .ToList();
        var events = _config.Tracing == TraceRetention.TradeComplete
            ? [.. _books.Values.SelectMany(b => b.OpenTradeEvents).OrderBy(e => e.Time)]
            : _events.ToList();
        var final = _marks.Marks > 0 ? _marks.LastEquity : _config.StartingCash;
        return _keepDetail
            ? new PortfolioResult(_config.Id, metrics, [.. _trades], open, events, [.. _marks.DayEndTime], [.. _marks.DayEndEquity], final, _boundaryTrades, _riskRejects)
            : new PortfolioResult(_config.Id, metrics, [.. _trades], open, [], [], [], final, _boundaryTrades, _riskRejects);
    }

    /// <summary>Whether <paramref name="assignment"/> may open or add in <paramref name="regime"/>: the portfolio's filter allows it, and so do the strategy's own regimes.</summary>
    private bool Allowed(StrategyAssignment assignment, string? regime) =>
        _config.RegimeFilter is not { } filter
        || (regime is not null && filter.Allowed.Contains(regime) && (assignment.Regimes is not { } own || own.Contains(regime)));

    /// <summary>
    /// SPEC 6 regime filtering: outside the allowed regimes (the portfolio's, narrowed by the strategy's own) a signal
    /// may only reduce or close; a reversal only closes; an opening or increasing signal leaves the target where it is.
    /// </summary>
    private double Filtered(StrategyAssignment assignment, double current, double wanted)
    {
        if (Allowed(assignment, _regime) || wanted == 0)
        {
            return wanted;
        }

        if (current == 0)
        {
            return 0;
        }

        if (Math.Sign(wanted) != Math.Sign(current))
        {
            return 0;
        }

        return Math.Abs(wanted) <= Math.Abs(current) ? wanted : current;
    }

    private void Schedule(Book book, long time)
    {
        if (_config.Execution.Timing == FillTiming.SignalClose)
        {
            Rebalance(book, book.LastClose, time);
        }
        else
        {
            book.Pending = true;
        }
    }

    /// <summary>
    /// Moves a symbol's position to its strategies' targets at <paramref name="price"/>: first every
    /// reduction and close (a reversal closes first), then new sizes on the equity after those fills.
    /// </summary>
    private void Rebalance(Book book, double price, long time)
    {
        book.Pending = false;
        for (var slot = 0; slot < book.Target.Length; slot++)
        {
            double target = book.Target[slot], sized = book.SizedTarget[slot];
            if (target == sized)
            {
                continue;
            }

            if (target == 0 || Math.Sign(target) != Math.Sign(sized))
            {
                book.Allocation[slot] = 0;
                book.SizedTarget[slot] = 0;
            }
            else if (Math.Abs(target) < Math.Abs(sized))
            {
                book.Allocation[slot] *= target / sized;
                book.SizedTarget[slot] = target;
            }
        }

        var reduced = book.Allocation.Sum();
        if (book.Position != 0 && (Math.Sign(reduced) != Math.Sign(book.Position) || Math.Abs(reduced) < Math.Abs(book.Position)))
        {
            var towardZero = Math.Sign(reduced) == Math.Sign(book.Position) ? reduced - book.Position : -book.Position;
            Execute(book, towardZero, price, time, "signal");
        }

        var equity = Equity(book, price);
        for (var slot = 0; slot < book.Target.Length; slot++)
        {
            if (book.Target[slot] != book.SizedTarget[slot])
            {
                var weighted = book.Target[slot] * book.Assignments[slot].Weight;
                book.Allocation[slot] = _config.Sizing.Quantity(weighted, equity, price, _config.Execution, BarVolatility(book));
                book.SizedTarget[slot] = book.Target[slot];
            }
        }

        var order = book.Allocation.Sum() - book.Position;
        if (order == 0)
        {
            return;
        }

        _reasons.Clear();
        var context = new RiskContext(book.Series.Symbol, book.Position, price, equity, _peak, GrossExposure(book, price), _halted);
        var decision = RiskChain.Check(_validators, order, context, _reasons);
        if (decision.Reason is not null)
        {
            _riskRejects++;
            Trace(book, "RISK_REJECT", time, order - decision.Quantity, price, decision.Reason);
        }

        if (decision.Quantity != 0)
        {
            Execute(book, decision.Quantity, price, time, "signal");
        }
    }

    private void Execute(Book book, double quantity, double price, long time, string reason)
    {
        // A fill that crosses zero is a close and an open: two trades, never one.
        if (book.Position != 0 && Math.Sign(book.Position + quantity) == -Math.Sign(book.Position))
        {
            var rest = book.Position + quantity;
            Execute(book, -book.Position, price, time, reason);
            Execute(book, rest, price, time, reason);
            return;
        }

        Trace(book, "ORDER", time, quantity, price, reason);
        var fill = _config.Execution.Execute(quantity, price);
        _cash += fill.CashFlow;
        _tradedNotional += Math.Abs(quantity) * fill.Price;
        Trace(book, "FILL", time, quantity, fill.Price, Traced ? $"commission={fill.Commission:R}" : null);

        if (book.Position == 0)
        {
            (book.AverageEntry, book.EntryTime, book.MaxQuantity, book.TradePnl, book.RegimeAtOpen) = (fill.Price, time, quantity, -fill.Commission, _regime);
            book.Position = quantity;
            Trace(book, "POSITION_OPEN", time, quantity, fill.Price);
            return;
        }

        if (Math.Sign(quantity) == Math.Sign(book.Position))
        {
            var held = Math.Abs(book.Position);
            book.AverageEntry = ((book.AverageEntry * held) + (fill.Price * Math.Abs(quantity))) / (held + Math.Abs(quantity));
            book.Position += quantity;
            book.MaxQuantity = Math.Abs(book.Position) > Math.Abs(book.MaxQuantity) ? book.Position : book.MaxQuantity;
            book.TradePnl -= fill.Commission;
            return;
        }

        book.TradePnl += (-quantity * (fill.Price - book.AverageEntry)) - fill.Commission;
        book.Position += quantity;
        if (book.Position != 0)
        {
            return;
        }

        // A sweep's portfolio keeps no trade objects: the tally takes the same numbers the record would carry.
        _tally.Add(book.TradePnl, ClosedTrade.ReturnOf(book.TradePnl, book.MaxQuantity, book.AverageEntry));
        _boundaryTrades += book.RegimeAtOpen != _regime ? 1 : 0;
        if (_keepTrades)
        {
            _trades.Add(new ClosedTrade(book.Series.Symbol, book.EntryTime, time, book.MaxQuantity, book.AverageEntry, fill.Price, book.TradePnl)
            {
                RegimeAtOpen = book.RegimeAtOpen,
                RegimeAtClose = _regime,
            });
        }

        Trace(book, "POSITION_CLOSE", time, -quantity, fill.Price, Traced ? $"pnl={book.TradePnl:R}" : null);
        if (Traced && _config.Tracing == TraceRetention.TradeComplete)
        {
            book.OpenTradeEvents.Clear();
        }
    }

    /// <summary>A bar's close is now the book's mark and part of its volatility.</summary>
    private void Observe(Book book, in Bar bar)
    {
        book.LastClose = bar.Close;
        book.LastBar = book.ArrivedIndex;
        if (_table is null)
        {
            book.Volatility.Update(bar);
        }

        book.Arrived = null;
    }

    /// <summary>The traded series' per-bar volatility up to the book's last close (from the shared table in event time).</summary>
    private double BarVolatility(Book book) => _table is null
        ? book.Volatility.Value
        : book.LastBar < 0 ? double.NaN : (book.TableVolatility ??= _table.Volatility(book.VolatilityLength))[book.LastBar];

    /// <summary>Whether this portfolio keeps any event (details are not even formatted when it does not).</summary>
    private bool Traced => _keepDetail && _config.Tracing != TraceRetention.None;

    private void Trace(Book book, string kind, long time, double quantity, double price, string? detail = null)
    {
        if (!Traced)
        {
            return;
        }

        var traced = new TraceEvent(kind, time, book.Series.Symbol, quantity, price, detail);
        switch (_config.Tracing)
        {
            case TraceRetention.All:
                _events.Add(traced);
                break;
            case TraceRetention.TradeComplete:
                book.OpenTradeEvents.Add(traced);
                break;
        }
    }

    private double Equity() => Equity(null, 0);

    /// <summary>Cash plus positions at their last closes, <paramref name="book"/> at <paramref name="price"/> (a fill price of the moment).</summary>
    private double Equity(Book? book, double price)
    {
        double marked = 0;
        foreach (var b in _bookOrder)
        {
            marked += b.Position == 0 ? 0 : b.Position * (ReferenceEquals(b, book) ? price : b.LastClose);
        }

        return _cash + marked;
    }

    private bool Invested()
    {
        foreach (var book in _bookOrder)
        {
            if (book.Position != 0)
            {
                return true;
            }
        }

        return false;
    }

    private double GrossExposure(Book book, double price)
    {
        double gross = 0;
        foreach (var b in _bookOrder)
        {
            gross += Math.Abs(b.Position) * (ReferenceEquals(b, book) ? price : b.LastClose);
        }

        return gross;
    }

    /// <summary>One symbol: its strategies' targets and allocations, the netted position and the open trade.</summary>
    private sealed class Book(SeriesId series, StrategyAssignment[] assignments, int volatilityLookback)
    {
        public SeriesId Series { get; } = series;

        public StrategyAssignment[] Assignments { get; } = assignments;

        public double[] Target { get; } = new double[assignments.Length];

        public double[] SizedTarget { get; } = new double[assignments.Length];

        public double[] Allocation { get; } = new double[assignments.Length];

        /// <summary>The bar-by-bar volatility (event time reads the shared table's instead, so it is made on first use).</summary>
        public LogReturnVolatility Volatility => field ??= new(VolatilityLength);

        public int VolatilityLength { get; } = Math.Max(2, volatilityLookback);

        /// <summary>In event time, the shared table's per-bar volatility of this length, looked up once.</summary>
        public double[]? TableVolatility { get; set; }

        public List<TraceEvent> OpenTradeEvents => field ??= [];

        public bool Pending { get; set; }

        /// <summary>This slice's bar, until the slice's bars are applied.</summary>
        public Bar? Arrived { get; set; }

        /// <summary>In event time, the bar index of <see cref="Arrived"/>.</summary>
        public int ArrivedIndex { get; set; } = -1;

        /// <summary>In event time, the bar index of <see cref="LastClose"/> (-1 before the first).</summary>
        public int LastBar { get; set; } = -1;

        public double LastClose { get; set; } = double.NaN;

        public double Position { get; set; }

        public double AverageEntry { get; set; }

        public long EntryTime { get; set; }

        public double MaxQuantity { get; set; }

        public double TradePnl { get; set; }

        public string? RegimeAtOpen { get; set; }
    }
}

/// <summary>A position still open at the end: marked at the last close, not closed (SPEC 6).</summary>
public sealed record OpenPosition(string Symbol, double Quantity, double AverageEntry, double Mark);

/// <summary>
/// Everything a portfolio run produced. <see cref="Equity"/> holds the equity at the last mark of each
/// UTC date (with <see cref="EquityTime"/>): the marks the daily metrics are computed from.
/// </summary>
public sealed record PortfolioResult(
    string PortfolioId,
    PerformanceMetrics Metrics,
    IReadOnlyList<ClosedTrade> Trades,
    IReadOnlyList<OpenPosition> OpenPositions,
    IReadOnlyList<TraceEvent> Events,
    long[] EquityTime,
    double[] Equity,
    double FinalEquity,
    int BoundaryTrades,
    int RiskRejects);
