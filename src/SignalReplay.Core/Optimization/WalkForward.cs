using System.Globalization;
using System.Text.RegularExpressions;
using SignalReplay.Core.Portfolio;
using SignalReplay.Core.Replay;
using SignalReplay.Core.Statistics;

namespace SignalReplay.Core.Optimization;

/// <summary>How long a walk-forward span is: a duration (<c>90d</c>), or a count of the run's first series' bars (<c>250</c>).</summary>
public readonly record struct SpanLength(TimeSpan Duration, int Bars)
{
    public static SpanLength Of(TimeSpan duration) => new(duration, 0);

    public static SpanLength OfBars(int bars) => new(TimeSpan.Zero, bars);

    public bool InBars => Bars > 0;

    public override string ToString() => InBars ? $"{Bars} bars" : $"{Duration.TotalDays.ToString(CultureInfo.InvariantCulture)}d";
}

/// <summary>
/// A walk-forward phase's windows: <see cref="Train"/> then <see cref="Test"/>, moved on by <see cref="Step"/>; anchored windows all
/// train from the range's start. <see cref="Phases"/> names the run's phases that re-optimize in each train span, in order.
/// </summary>
public sealed record WalkForwardSpec(SpanLength Train, SpanLength Test, SpanLength Step, bool Anchored, IReadOnlyList<string> Phases)
{
    /// <summary>The most windows one phase may have: each re-runs its inner phases.</summary>
    public const int MaxWindows = 500;

    /// <summary>
    /// The windows over [<paramref name="from"/>, <paramref name="to"/>) (Unix ms) of a series whose bars start at <paramref name="barTimes"/>
    /// (ascending): each train span holds at least one bar and its test span, right after it, too (a span in time that holds
    /// none, a weekend or a gap, is skipped, and the windows go on after it); the last test span ends at <paramref name="to"/> at
    /// the latest. Spans in bars count the bars in the range.
    /// </summary>
    public IReadOnlyList<(TradingWindow Train, TradingWindow Test)> Windows(IReadOnlyList<long> barTimes, long from, long to)
    {
        var first = LowerBound(barTimes, from);
        var end = LowerBound(barTimes, to);
        var windows = new List<(TradingWindow, TradingWindow)>();
        for (var k = 0; ; k++)
        {
            (long TrainFrom, long TrainTo, long TestTo)? window = Train.InBars ? InBars(first, end, k, barTimes, to) : InTime(from, to, k);
            if (window is not { } w)
            {
                break;
            }

            if (CountBars(barTimes, w.TrainTo, w.TestTo) > 0 && CountBars(barTimes, w.TrainFrom, w.TrainTo) > 0)
            {
                windows.Add((new TradingWindow(w.TrainFrom, w.TrainTo), new TradingWindow(w.TrainTo, w.TestTo)));
            }

            if (windows.Count > MaxWindows)
            {
                throw new ArgumentException($"A walk-forward phase of train {Train}, test {Test} and step {Step} makes more than {MaxWindows} windows: use a longer step.");
            }
        }

        return windows;
    }

    private (long, long, long)? InTime(long from, long to, int k)
    {
        var moved = k * (long)Step.Duration.TotalMilliseconds;
        var trainFrom = Anchored ? from : from + moved;
        var trainTo = from + (long)Train.Duration.TotalMilliseconds + moved;
        return trainTo >= to ? null : (trainFrom, trainTo, Math.Min(to, trainTo + (long)Test.Duration.TotalMilliseconds));
    }

    private (long, long, long)? InBars(int first, int end, int k, IReadOnlyList<long> times, long to)
    {
        var trainFrom = Anchored ? first : first + (k * Step.Bars);
        var trainTo = first + Train.Bars + (k * Step.Bars);
        if (trainTo >= end)
        {
            return null;
        }

        var testTo = trainTo + Test.Bars;
        return (times[trainFrom], times[trainTo], testTo < end ? times[testTo] : to);
    }

    private static int CountBars(IReadOnlyList<long> times, long from, long to) => LowerBound(times, to) - LowerBound(times, from);

    private static int LowerBound(IReadOnlyList<long> times, long value)
    {
        var (low, high) = (0, times.Count);
        while (low < high)
        {
            var mid = (low + high) / 2;
            (low, high) = times[mid] < value ? (mid + 1, high) : (low, mid);
        }

        return low;
    }
}

/// <summary>
/// One walk-forward window: its spans (Unix ms), what its inner phases chose on the train span (null when they could pick
/// nothing: the window then stays in cash) with its in-sample score, and that choice's score on the test span it traded
/// with the equity the windows before it left.
/// </summary>
public sealed record WalkForwardWindow(
    int Index,
    TradingWindow Train,
    TradingWindow Test,
    string? Choice,
    double InSampleScore,
    double OutOfSampleScore,
    double StartingEquity,
    double FinalEquity,
    int Trials,
    IReadOnlyList<string>? Instances = null);

/// <summary>
/// What a walk-forward phase found: its windows; the test spans chained into one out-of-sample curve and its metrics
/// (<see cref="PerformanceMetrics.Names"/> order); the walk-forward efficiency (mean out-of-sample score over mean in-sample
/// score); how often a window kept the previous window's choice; and each strategy parameter's value per window.
/// </summary>
public sealed record WalkForwardReport(
    IReadOnlyList<WalkForwardWindow> Windows,
    double[] OutOfSampleMetrics,
    double OutOfSampleScore,
    double Efficiency,
    double ChoiceStability,
    IReadOnlyList<ParameterPath> Parameters)
{
    /// <summary>The report of <paramref name="windows"/>, whose parts of the out-of-sample curve (window order) are <paramref name="segments"/>.</summary>
    public static WalkForwardReport Of(IReadOnlyList<WalkForwardWindow> windows, IReadOnlyList<WindowSegment> segments, Objective objective)
    {
        var metrics = StitchedCurve.Metrics(segments);
        var chosen = windows.Where(w => w.Choice is not null).ToList();
        var (inSample, outOfSample) = (Mean(chosen.Select(w => w.InSampleScore)), Mean(chosen.Select(w => w.OutOfSampleScore)));
        var kept = windows.Skip(1).Select((w, i) => w.Choice is not null && w.Choice == windows[i].Choice).ToList();
        return new WalkForwardReport(
            windows,
            metrics,
            objective.Score(PerformanceMetrics.FromValues(metrics)),
            inSample is 0 or double.NaN ? double.NaN : outOfSample / inSample,
            kept.Count == 0 ? double.NaN : kept.Count(k => k) / (double)kept.Count,
            ParameterPath.Of(windows));
    }

    /// <summary>The mean of the defined values (an undefined score, NaN, is left out), NaN when none is.</summary>
    private static double Mean(IEnumerable<double> values)
    {
        var list = values.Where(double.IsFinite).ToList();
        return list.Count == 0 ? double.NaN : list.Sum() / list.Count;
    }
}

/// <summary>
/// One strategy parameter across the windows (<c>momentum.fast</c>: its value in each window's choice, NaN where the choice
/// does not hold that strategy) and how much it moved: the coefficient of variation of its values (stdev / |mean|; 0 when it never
/// moved, NaN when it moved around a mean of 0).
/// </summary>
public sealed record ParameterPath(string Name, double[] Values, double Variation)
{
    private static readonly Regex Instance = new(@"(?<name>[a-z_][a-z0-9_]*)\((?<parameters>[^)]*)\)", RegexOptions.CultureInvariant);

    public static IReadOnlyList<ParameterPath> Of(IReadOnlyList<WalkForwardWindow> windows)
    {
        // By the choice's id; an ensemble too long to name by its members is named by a hash, so its strategy instances stand for it.
        var perWindow = windows.Select(w => w.Choice is null ? [] : Parameters(w.Choice) is { Count: > 0 } named ? named : Parameters(w.Instances ?? [])).ToList();
        return
        [
            .. perWindow.SelectMany(p => p.Keys).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).Select(name =>
            {
                double[] values = [.. perWindow.Select(p => p.TryGetValue(name, out var v) ? v : double.NaN)];
                var present = values.Where(double.IsFinite).ToArray();
                var mean = present.Length == 0 ? double.NaN : present.Average();
                var spread = present.Length < 2 ? 0 : Math.Sqrt(present.Sum(v => (v - mean) * (v - mean)) / (present.Length - 1));
                return new ParameterPath(name, values, spread == 0 ? 0 : mean == 0 ? double.NaN : spread / Math.Abs(mean));
            }),
        ];
    }

    /// <summary>
    /// The numeric parameters of the strategy instances a portfolio id names (<c>momentum(fast=10,slow=50)@SPY_1d|...</c>, the members
    /// of an <c>ensemble(UP=1@momentum(...)...)</c>), keyed <c>strategy.parameter</c>; a strategy named twice keeps its first.
    /// </summary>
    public static Dictionary<string, double> Parameters(string portfolio) =>
        Parameters([portfolio.StartsWith("ensemble(", StringComparison.Ordinal) ? portfolio["ensemble(".Length..] : portfolio]);

    /// <summary>The numeric parameters of strategy instance ids (<c>momentum(fast=10,slow=50)@SPY_1d</c>), keyed <c>strategy.parameter</c>; the first instance of a strategy wins.</summary>
    public static Dictionary<string, double> Parameters(IEnumerable<string> instances)
    {
        var found = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (Match match in instances.SelectMany(instance => Instance.Matches(instance)))
        {
            foreach (var pair in match.Groups["parameters"].Value.Split(',', StringSplitOptions.RemoveEmptyEntries))
            {
                var (key, value) = pair.IndexOf('=') is var at and > 0 ? (pair[..at], pair[(at + 1)..]) : (pair, string.Empty);
                if (double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var number))
                {
                    found.TryAdd($"{match.Groups["name"].Value}.{key}", number);
                }
            }
        }

        return found;
    }
}

/// <summary>
/// One window's part of a walk-forward phase's out-of-sample curve: the day-end equity of the portfolio it traded on its test span
/// (<see cref="Traded"/>), or, for a window that could pick nothing, the equity it held in cash at each day-end of that span.
/// </summary>
public sealed record WindowSegment(long[] Time, double[] Equity, PortfolioOutcome? Traded)
{
    public static WindowSegment Of(PortfolioOutcome traded) => new(traded.Result.EquityTime, traded.Result.Equity, traded);

    /// <summary>
    /// A window in cash: <paramref name="equity"/> at the last bar of each UTC date of <paramref name="test"/> among
    /// <paramref name="times"/> (bar start times, ascending), where a portfolio marks its day-ends.
    /// </summary>
    public static WindowSegment Cash(IReadOnlyList<long> times, TradingWindow test, double equity)
    {
        var dayEnds = new List<long>();
        for (var i = 0; i < times.Count; i++)
        {
            var t = times[i];
            if (t < test.From || t >= test.To)
            {
                continue;
            }

            var next = i + 1 < times.Count ? times[i + 1] : long.MaxValue;
            if (next >= test.To || BarTable.Day(next) != BarTable.Day(t))
            {
                dayEnds.Add(t);
            }
        }

        return new WindowSegment([.. dayEnds], [.. dayEnds.Select(_ => equity)], null);
    }
}

/// <summary>
/// The test spans of a walk-forward phase chained into one out-of-sample curve: each window starts with the equity the one
/// before it ended with (its positions marked at their last close), so the day-end curves join end to start; a window in cash
/// holds its equity flat over its span, so its days count (a curve of only the traded windows would leave them out).
/// </summary>
public static class StitchedCurve
{
    /// <summary>
    /// The chained day-end curve of <paramref name="segments"/> (window order), one point per UTC date: where a window boundary falls
    /// within a date (intraday windows), the later window's mark stands for the date's end, not both.
    /// </summary>
    public static (long[] Time, double[] Equity) Of(IReadOnlyList<WindowSegment> segments)
    {
        var (time, equity) = (new List<long>(), new List<double>());
        foreach (var segment in segments)
        {
            for (var i = 0; i < segment.Time.Length; i++)
            {
                if (i == 0 && time.Count > 0 && BarTable.Day(time[^1]) == BarTable.Day(segment.Time[0]))
                {
                    (time[^1], equity[^1]) = (segment.Time[0], segment.Equity[0]);
                    continue;
                }

                time.Add(segment.Time[i]);
                equity.Add(segment.Equity[i]);
            }
        }

        return ([.. time], [.. equity]);
    }

    /// <summary>
    /// SPEC 7's metrics of the chained curve (<see cref="PerformanceMetrics.Names"/> order): returns, Sharpe, Sortino, CAGR and Calmar
    /// from its day-end equity and daily returns; the drawdown the deeper of the day-end curve's and each traded window's own (marked at
    /// every bar); trade statistics over every window's trades; exposure the windows' mean weighted by their days (0 in cash); turnover
    /// every window's traded notional over the curve's mean day-end equity.
    /// </summary>
    public static double[] Metrics(IReadOnlyList<WindowSegment> segments)
    {
        var (time, equity) = Of(segments);
        var tested = segments.Select(s => s.Traded).OfType<PortfolioOutcome>().ToList();
        var trades = tested.SelectMany(o => o.Result.Trades).ToList();
        var curve = PerformanceMetrics.Compute(time, equity, new bool[equity.Length], trades, tradedNotional: 0);
        var days = segments.Sum(s => s.Equity.Length);
        var drawdown = tested.Select(o => o.Result.Metrics.MaxDrawdown).Where(double.IsFinite).DefaultIfEmpty(0).Max();
        var notional = tested.Sum(o => o.Result.Metrics.Turnover is var t && double.IsFinite(t) && o.Result.Equity.Length > 0 ? t * o.Result.Equity.Average() : 0);
        var maxDrawdown = Math.Max(curve.MaxDrawdown, drawdown);
        var stitched = curve with
        {
            MaxDrawdown = maxDrawdown,
            Calmar = maxDrawdown == 0 ? double.NaN : curve.Cagr / maxDrawdown,
            Exposure = days == 0 ? double.NaN : tested.Sum(o => o.Result.Metrics.Exposure * o.Result.Equity.Length) / days,
            Turnover = equity.Length == 0 ? double.NaN : notional / equity.Average(),
        };
        return [.. PerformanceMetrics.Names.Select(stitched.Get)];
    }

    /// <summary>The chained curve's daily-return moments, for the PSR and deflated Sharpe of a walk-forward choice.</summary>
    public static SharpeMoments? Moments(IReadOnlyList<WindowSegment> segments) =>
        segments.All(s => s.Traded is null) ? null : SharpeMoments.Of(DailyReturns.Of(Of(segments).Equity));
}
