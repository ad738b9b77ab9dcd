using SignalReplay.Core.Replay;

namespace SignalReplay.Core.Portfolio;

/// <summary>
/// Event time (SPEC 6, "cost grows with events, not bars"): a portfolio that trades one series is
/// driven by its events only. Between two events its cash and position are constant, so the bars in
/// between are applied as runs answered from the silo's shared <see cref="BarTable"/>: the first bar
/// that touches a stop or breaches the drawdown halt, the running peak and deepest drawdown, and the
/// equity at each day's close. A bar where something happens (an event, a fill at the open, a stop,
/// a halt, a window edge) goes through the per-bar code itself, so both paths share every decision
/// and give the same bits; the per-bar loop stays the reference the tests compare against.
/// </summary>
public sealed partial class PortfolioEngine
{
    private BarTable? _table;
    private int _nextBar;
    private int _windowFrom;
    private int _windowTo;

    /// <summary>True when every strategy of this portfolio trades <paramref name="series"/>: it can run in event time over it.</summary>
    public bool TradesOnly(SeriesId series) => _bookOrder.Length == 1 && _bookOrder[0].Series == series;

    /// <summary>Drives this engine in event time over <paramref name="table"/>, from its first bar.</summary>
    public void UseEventTime(BarTable table)
    {
        if (!TradesOnly(table.Series.Id))
        {
            throw new ArgumentException($"Portfolio '{Id}' does not trade {table.Series.Id} alone, so it cannot replay in event time over it.");
        }

        if (_table is not null || _marks.Marks > 0 || _bookOrder[0].LastBar >= 0 || !double.IsNaN(_bookOrder[0].LastClose))
        {
            throw new InvalidOperationException($"Portfolio '{Id}' has already seen bars; event time starts at the first bar.");
        }

        _table = table;
        (_windowFrom, _windowTo) = _config.Window is { } window
            ? (table.FirstAtOrAfter(window.From), table.FirstAtOrAfter(window.To))
            : (0, table.Count);
    }

    /// <summary>The first bar event time has not applied yet.</summary>
    public int NextBar => _nextBar;

    /// <summary>
    /// Applies bars up to <paramref name="to"/> (exclusive), none of which carries a signal or regime change
    /// for this portfolio.
    /// </summary>
    public void AdvanceTo(int to)
    {
        var table = EventTable();
        var book = _bookOrder[0];
        to = Math.Min(to, table.Count);
        while (_nextBar < to)
        {
            if (_state == WindowState.Ended)
            {
                _nextBar = to; // nothing after the window is seen
            }
            else if (_state == WindowState.Warming && _nextBar < _windowFrom)
            {
                var end = Math.Min(to, _windowFrom);
                Observe(book, end - 1);
                _nextBar = end;
            }
            else if (_state == WindowState.Warming || _nextBar >= _windowTo || book.Pending)
            {
                StepBar(_nextBar); // the window opens or closes here, or a fill waits for this open
            }
            else
            {
                QuietRun(book, table, Math.Min(to, _windowTo));
            }
        }
    }

    /// <summary>
    /// Applies every bar before <paramref name="bar"/>, then opens <paramref name="bar"/> as the next slice:
    /// give it its <see cref="OnRegime"/> and <see cref="OnSignal"/> calls, then <see cref="EndOfSlice"/>.
    /// </summary>
    public void OnEventBar(int bar)
    {
        if (bar < _nextBar)
        {
            throw new InvalidOperationException($"Portfolio '{Id}': an event at bar {bar} arrived after bar {_nextBar - 1} was applied.");
        }

        AdvanceTo(bar);
        Open(bar);
    }

    private BarTable EventTable() =>
        _table ?? throw new InvalidOperationException($"Portfolio '{Id}' is not in event time: call UseEventTime first.");

    private void Open(int bar)
    {
        var book = _bookOrder[0];
        OnBar(book.Series, _table!.Series[bar]);
        book.ArrivedIndex = bar;
        _nextBar = bar + 1;
    }

    private void StepBar(int bar)
    {
        Open(bar);
        EndOfSlice();
    }

    /// <summary>Bars before the window: they only move the mark (the volatility comes from the table).</summary>
    private void Observe(Book book, int bar)
    {
        book.LastClose = _table!.Series.Close[bar];
        book.LastBar = bar;
    }

    /// <summary>
    /// Marks bars from <see cref="_nextBar"/> up to <paramref name="until"/> with the position held, up to the
    /// first bar that stops out or halts, which then goes through the per-bar code.
    /// </summary>
    private void QuietRun(Book book, BarTable table, int until)
    {
        var from = _nextBar;
        var halt = _halted ? null : _config.Risk.MaxDrawdownHalt;
        var stops = _stops is not null && book.Position != 0 ? _stops : null;
        var walker = new RunWalker(table.Series, new EquityLine(_cash, book.Position), stops, book.AverageEntry, halt, _peak, _marks.Peak, _marks.MaxDrawdown);
        var stopped = table.Walk(from, until, ref walker);
        _marks.AddRun(table, from, stopped, walker.Line, walker.MetricsPeak, walker.MaxDrawdown);
        _peak = walker.EnginePeak;
        if (stopped > from)
        {
            Observe(book, stopped - 1);
        }

        _nextBar = stopped;
        if (stopped < until)
        {
            StepBar(stopped);
        }
    }

    /// <summary>
    /// The per-bar end of slice for a constant position, over ranges of bars at once. A range is skipped
    /// when its price extremes prove no bar in it touches a stop level, breaches the halt, or deepens the
    /// drawdown: equity is monotone in the close, and rounding is monotone, so the bounds hold in floating
    /// point too. Visited bars compute exactly what <see cref="EndOfSlice"/> would.
    /// </summary>
    private struct RunWalker(BarSeries bars, EquityLine line, StopLevels? stops, double entry, double? halt, double enginePeak, double metricsPeak, double maxDrawdown)
        : IRangeWalker
    {
        private readonly (double? Stop, double? Take) _levels = stops?.Levels(line.Position, entry) ?? (null, null);

        public readonly EquityLine Line => line;

        public double EnginePeak { get; private set; } = enginePeak;

        public double MetricsPeak { get; private set; } = metricsPeak;

        public double MaxDrawdown { get; private set; } = maxDrawdown;

        public readonly bool CanSkip(in PriceRange range)
        {
            if (MayTouchStop(range))
            {
                return false;
            }

            var (low, high) = Extremes(range);
            if (!(low > 0))
            {
                return false;
            }

            if (1 - (low / Math.Max(MetricsPeak, high)) > MaxDrawdown)
            {
                return false;
            }

            return halt is not { } limit || 1 - (low / Math.Max(EnginePeak, high)) < limit;
        }

        public void Skip(in PriceRange range)
        {
            var high = Extremes(range).High;
            EnginePeak = Math.Max(EnginePeak, high);
            MetricsPeak = Math.Max(MetricsPeak, high);
        }

        public bool Visit(int bar)
        {
            if (stops is not null && stops.ExitPrice(line.Position, entry, bars.Open[bar], bars.High[bar], bars.Low[bar]) is not null)
            {
                return true;
            }

            var equity = line.At(bars.Close[bar]);
            if (halt is { } limit && EnginePeak > 0 && 1 - (equity / EnginePeak) >= limit)
            {
                return true;
            }

            EnginePeak = Math.Max(EnginePeak, equity);
            MetricsPeak = Math.Max(MetricsPeak, equity);
            MaxDrawdown = Math.Max(MaxDrawdown, 1 - (equity / MetricsPeak));
            return false;
        }

        /// <summary>The lowest and highest equity over a range: the closes' extremes, swapped when short.</summary>
        private readonly (double Low, double High) Extremes(in PriceRange range) => line.Position >= 0
            ? (line.At(range.MinClose), line.At(range.MaxClose))
            : (line.At(range.MaxClose), line.At(range.MinClose));

        private readonly bool MayTouchStop(in PriceRange range)
        {
            if (stops is null)
            {
                return false;
            }

            var (stop, take) = _levels;
            return line.Position > 0
                ? (stop is { } s && range.MinTouch <= s) || (take is { } t && range.MaxTouch >= t)
                : (stop is { } s2 && range.MaxTouch >= s2) || (take is { } t2 && range.MinTouch <= t2);
        }
    }
}
