using System.Globalization;
using System.Net;
using System.Text;

namespace SignalReplay.Storage.Results;

/// <summary>
/// A run's report (<c>results/{run}/report.html</c>): one self-contained HTML file that works offline, no script and
/// nothing fetched (charts are inline SVG): the choice with its metrics and selection statistics, its day-end equity
/// and drawdown (one line per walk-forward window) against buy-and-hold of the series it trades, each phase's leaderboard,
/// the grid's heatmap, each regime phase's classifier series over bands of its regimes, the choice's trades and the run
/// configuration. The same documents always give the same bytes.
/// </summary>
public static class RunReport
{
    private const int Width = 960;
    private const int Height = 240;
    private const int Margin = 48;
    private const int MaxTrades = 200;

    private static readonly string[] Columns = ["total_return", "sharpe", "sortino", "max_drawdown", "trade_count", "win_rate"];

    /// <summary>
    /// The portfolios that stood for the choice in its phase: by the metrics rows' <c>candidate</c> column, its portfolio or each
    /// of its walk-forward windows.
    /// </summary>
    public static IReadOnlySet<string> ChoicePortfolios(Choice choice, IReadOnlyList<MetricsRow> phase) =>
        phase.Where(r => r.Candidate == choice.Candidate).Select(r => r.Portfolio).ToHashSet(StringComparer.Ordinal);

    /// <summary>The day-end curves of <paramref name="portfolios"/>, one per portfolio, in date order.</summary>
    public static IReadOnlyList<IReadOnlyList<EquityRow>> Curves(IReadOnlySet<string> portfolios, IReadOnlyList<EquityRow> phase) =>
    [
        .. phase
            .Where(r => portfolios.Contains(r.Portfolio))
            .GroupBy(r => r.Portfolio, StringComparer.Ordinal)
            .Select(g => (IReadOnlyList<EquityRow>)[.. g.OrderBy(r => r.Time)])
            .OrderBy(g => g[0].Time),
    ];

    /// <summary>The trades of <paramref name="portfolios"/>, by exit time.</summary>
    public static IReadOnlyList<TradeRow> Trades(IReadOnlySet<string> portfolios, IReadOnlyList<TradeRow> phase) =>
    [
        .. phase.Where(t => portfolios.Contains(t.Portfolio)).OrderBy(t => t.ExitTime).ThenBy(t => t.Symbol, StringComparer.Ordinal),
    ];

    public static string Html(
        RunMetadata metadata, RunSummary summary, IReadOnlyList<IReadOnlyList<EquityRow>> curves, IReadOnlyList<TradeRow> trades, GridHeatmap? heatmap = null, MarketContext? market = null)
    {
        market ??= MarketContext.None;
        var html = new StringBuilder();
        html.Append(CultureInfo.InvariantCulture, $$"""
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
            <title>{{Text(metadata.Name)}} - {{Text(metadata.Workflow)}}</title>
            <style>
            body { font: 14px/1.45 system-ui, sans-serif; margin: 0 auto; max-width: 1000px; padding: 12px; color: #1d2330; }
            h1 { font-size: 20px; margin: 8px 0; } h2 { font-size: 16px; margin: 20px 0 6px; }
            .box { background: #f3f5f9; border-radius: 6px; padding: 10px 12px; overflow-wrap: anywhere; }
            .scroll { overflow-x: auto; } table { border-collapse: collapse; width: 100%; font-size: 13px; }
            th, td { border-bottom: 1px solid #dde2ea; padding: 4px 6px; text-align: right; white-space: nowrap; }
            th:nth-child(2), td:nth-child(2) { text-align: left; white-space: normal; overflow-wrap: anywhere; min-width: 240px; }
            svg { width: 100%; height: auto; background: #fff; border: 1px solid #dde2ea; border-radius: 6px; }
            pre { background: #f3f5f9; padding: 10px; overflow-x: auto; font-size: 12px; } .muted { color: #667085; }
            </style></head><body>
            <h1>{{Text(metadata.Name)}}</h1>
            <p class="muted">Run {{Text(metadata.Workflow)}}: {{Text(metadata.Status)}}; dataset {{Text(metadata.Dataset)}}; {{summary.Phases.Count}} phases.</p>
            """);
        Choice(html, summary);
        Charts(html, curves, market.BuyAndHold);
        foreach (var phase in summary.Phases)
        {
            Leaderboard(html, phase);
            if (heatmap is not null && heatmap.Phase == phase.Phase)
            {
                Heatmap(html, heatmap, phase.Objective);
            }

            foreach (var bands in market.Regimes.Where(r => r.Phase == phase.Phase))
            {
                Regimes(html, bands);
            }
        }

        TradeList(html, trades);
        html.Append(CultureInfo.InvariantCulture, $"<h2>Configuration</h2><pre>{Text(metadata.Config)}</pre>\n</body></html>\n");
        return html.ToString();
    }

    private static void Choice(StringBuilder html, RunSummary summary)
    {
        html.Append("<h2>Choice</h2>\n<div class=\"box\" id=\"choice\">");
        if (summary.Choice is not { } choice)
        {
            html.Append("No portfolio of the last phase could be picked.</div>\n");
            return;
        }

        var chained = summary.Phases[^1].WalkForward is not null;
        html.Append(CultureInfo.InvariantCulture, $"<b>{Text(choice.Portfolio)}</b><br>");
        if (chained)
        {
            html.Append(CultureInfo.InvariantCulture, $"the last window's choice of phase {Text(choice.Phase)}; out of sample over {choice.Windows} windows chained, score {Number(choice.Score)}<br>");
        }
        else
        {
            html.Append(CultureInfo.InvariantCulture, $"best of phase {Text(choice.Phase)}, score {Number(choice.Score)}{(choice.Windows > 1 ? $" (mean of {choice.Windows} windows)" : string.Empty)}<br>");
        }
        html.Append(string.Join("; ", Columns.Select(c => $"{c.Replace('_', ' ')} {Metric(c, choice.Metrics.GetValueOrDefault(c, double.NaN))}")));
        if (summary.Statistics is { } s)
        {
            html.Append(CultureInfo.InvariantCulture, $"<br>Is it real? {s.Trials:N0} trials; PSR {Number(s.Psr)}; deflated Sharpe {Number(s.DeflatedSharpe)} (luck alone reaches Sharpe {Number(s.ExpectedMaxSharpe)}); PBO {Number(s.Pbo)} ({s.PboTrials} trials, S = {s.PboPartitions}).");
            foreach (var note in s.Notes)
            {
                html.Append(CultureInfo.InvariantCulture, $"<br><span class=\"muted\">{Text(note)}</span>");
            }
        }

        html.Append("</div>\n");
    }

    private static void Charts(StringBuilder html, IReadOnlyList<IReadOnlyList<EquityRow>> curves, BuyAndHold? hold)
    {
        var rows = curves.SelectMany(c => c).ToList();
        if (rows.Count == 0)
        {
            html.Append("<p class=\"muted\">The choice's phase kept no day-end equity.</p>\n");
            return;
        }

        var (from, to) = (rows.Min(r => r.Time).ToUnixTimeMilliseconds(), rows.Max(r => r.Time).ToUnixTimeMilliseconds());
        html.Append(curves.Count > 1 ? $"<h2>Equity, {curves.Count} walk-forward windows</h2>\n" : "<h2>Equity</h2>\n");
        IReadOnlyList<IReadOnlyList<EquityRow>> benchmark = hold is null ? [] : [hold.Curve];
        Chart(html, "equity", curves, r => r.Equity, from, to, area: false, benchmark);
        if (hold is not null)
        {
            html.Append(CultureInfo.InvariantCulture, $"<p class=\"muted\">Dashed grey: buy and hold of {Text(string.Join(", ", hold.Series))}{(hold.Series.Count > 1 ? " in equal parts" : string.Empty)}, from the same equity on the first day; it ends at {hold.Curve[^1].Equity:N0} ({Metric("total_return", (hold.Curve[^1].Equity / hold.Curve[0].Equity) - 1)}).</p>\n");
        }

        html.Append("<h2>Drawdown</h2>\n");
        Chart(html, "drawdown", ChainedDrawdown(curves), r => -r.Drawdown, from, to, area: true, benchmark);
    }

    /// <summary>
    /// Walk-forward windows' curves with their drawdown below the chained curve's peak (each window's file holds its own, from
    /// its own start), so a window that starts below an earlier high starts in drawdown.
    /// </summary>
    public static IReadOnlyList<IReadOnlyList<EquityRow>> ChainedDrawdown(IReadOnlyList<IReadOnlyList<EquityRow>> curves)
    {
        if (curves.Count < 2)
        {
            return curves;
        }

        var peak = double.NegativeInfinity;
        return [.. curves.Select(curve => (IReadOnlyList<EquityRow>)[.. curve.Select(r =>
        {
            peak = Math.Max(peak, r.Equity);
            return r with { Drawdown = peak > 0 ? 1 - (r.Equity / peak) : 0 };
        })])];
    }

    /// <summary>
    /// One line (or area under zero) per curve on shared axes, <paramref name="benchmark"/> as dashed grey lines behind them, its range
    /// written at the left and its dates below.
    /// </summary>
    private static void Chart(
        StringBuilder html, string id, IReadOnlyList<IReadOnlyList<EquityRow>> curves, Func<EquityRow, double> value, long from, long to, bool area, IReadOnlyList<IReadOnlyList<EquityRow>> benchmark)
    {
        var values = curves.Concat(benchmark).SelectMany(c => c).Select(value).ToList();
        var (low, high) = (Math.Min(values.Min(), area ? 0 : values.Min()), Math.Max(values.Max(), area ? 0 : values.Max()));
        if (high - low < 1e-12)
        {
            (low, high) = (low - 1, high + 1);
        }

        double X(EquityRow r) => Margin + ((Width - (2.0 * Margin)) * (to == from ? 0.5 : (r.Time.ToUnixTimeMilliseconds() - from) / (double)(to - from)));
        double Y(double v) => Height - Margin + ((Height - (2.0 * Margin)) * (low - v) / (high - low));
        html.Append(CultureInfo.InvariantCulture, $"<svg id=\"{id}\" viewBox=\"0 0 {Width} {Height}\" role=\"img\" aria-label=\"{id}\">");
        html.Append(CultureInfo.InvariantCulture, $"<line x1=\"{Margin}\" y1=\"{Height - Margin}\" x2=\"{Width - Margin}\" y2=\"{Height - Margin}\" stroke=\"#c5ccd8\"/>");
        foreach (var line in benchmark)
        {
            var points = string.Join(' ', line.Select(r => $"{Coordinate(X(r))},{Coordinate(Y(value(r)))}"));
            html.Append(CultureInfo.InvariantCulture, $"<polyline class=\"benchmark\" points=\"{points}\" fill=\"none\" stroke=\"#8a93a3\" stroke-width=\"1.5\" stroke-dasharray=\"5 4\"/>");
        }

        string[] colors = ["#2f6fde", "#d9822b", "#2e9e5b", "#b04ad1", "#c23c3c"];
        for (var i = 0; i < curves.Count; i++)
        {
            // A walk-forward window's line starts where the one before it ended: the chained curve has no gaps.
            IEnumerable<EquityRow> line = i > 0 && !area ? curves[i].Prepend(curves[i - 1][^1]) : curves[i];
            var points = string.Join(' ', line.Select(r => $"{Coordinate(X(r))},{Coordinate(Y(value(r)))}"));
            html.Append(area
                ? $"<polygon points=\"{Coordinate(X(curves[i][0]))},{Coordinate(Y(0))} {points} {Coordinate(X(curves[i][^1]))},{Coordinate(Y(0))}\" fill=\"#e5533d\" fill-opacity=\"0.35\" stroke=\"#c23c3c\"/>"
                : $"<polyline points=\"{points}\" fill=\"none\" stroke=\"{colors[i % colors.Length]}\" stroke-width=\"2\"/>");
        }

        // The range at the left: equity's highest and lowest; a drawdown's 0 at the top and its deepest below.
        var format = area ? "P1" : "N0";
        html.Append(CultureInfo.InvariantCulture, $"<text x=\"4\" y=\"{Margin}\" font-size=\"12\">{(area ? 0 : high).ToString(format, CultureInfo.InvariantCulture)}</text>");
        html.Append(CultureInfo.InvariantCulture, $"<text x=\"4\" y=\"{Height - Margin}\" font-size=\"12\">{low.ToString(format, CultureInfo.InvariantCulture)}</text>");
        html.Append(CultureInfo.InvariantCulture, $"<text x=\"{Margin}\" y=\"{Height - 16}\" font-size=\"12\">{Date(from)}</text>");
        html.Append(CultureInfo.InvariantCulture, $"<text x=\"{Width - Margin}\" y=\"{Height - 16}\" font-size=\"12\" text-anchor=\"end\">{Date(to)}</text></svg>\n");
    }

    private static readonly string[] RegimeColors = ["#cfe3ff", "#ffd9cc", "#d6f0dc", "#eadcf5", "#fff1c2", "#d9e1e8"];

    /// <summary>A regime phase's classifier series: its closes as a line over bands colored by the regime each span was in, with a legend.</summary>
    private static void Regimes(StringBuilder html, RegimeBands regimes)
    {
        if (regimes.Price.Count == 0)
        {
            return;
        }

        var (from, to) = (regimes.Price[0].Time, regimes.Price[^1].Time);
        var (low, high) = (regimes.Price.Min(p => p.Close), regimes.Price.Max(p => p.Close));
        if (high - low < 1e-12)
        {
            (low, high) = (low - 1, high + 1);
        }

        double X(long t) => Margin + ((Width - (2.0 * Margin)) * (to == from ? 0.5 : Math.Clamp((t - from) / (double)(to - from), 0, 1)));
        double Y(double v) => Height - Margin + ((Height - (2.0 * Margin)) * (low - v) / (high - low));
        string Fill(string regime) => RegimeColors[Math.Max(0, IndexOf(regimes.Labels, regime)) % RegimeColors.Length];
        html.Append(CultureInfo.InvariantCulture, $"<h2>{Text(regimes.Series)} and the regimes of {Text(regimes.Classifier)} (phase {Text(regimes.Phase)})</h2>\n");
        html.Append(CultureInfo.InvariantCulture, $"<svg id=\"regimes-{Text(regimes.Phase)}\" class=\"regimes\" viewBox=\"0 0 {Width} {Height}\" role=\"img\" aria-label=\"regimes of {Text(regimes.Classifier)}\">");
        foreach (var (start, end, regime) in regimes.Bands)
        {
            var (x0, x1) = (X(start), X(end));
            html.Append(CultureInfo.InvariantCulture, $"<rect x=\"{Coordinate(x0)}\" y=\"{Margin}\" width=\"{Coordinate(Math.Max(0.5, x1 - x0))}\" height=\"{Height - (2 * Margin)}\" fill=\"{Fill(regime)}\"><title>{Text(regime)}: {Date(start)}..{Date(end)}</title></rect>");
        }

        var points = string.Join(' ', regimes.Price.Select(p => $"{Coordinate(X(p.Time))},{Coordinate(Y(p.Close))}"));
        html.Append(CultureInfo.InvariantCulture, $"<polyline points=\"{points}\" fill=\"none\" stroke=\"#1d2330\" stroke-width=\"1.5\"/>");
        html.Append(CultureInfo.InvariantCulture, $"<text x=\"4\" y=\"{Margin}\" font-size=\"12\">{Number(high)}</text><text x=\"4\" y=\"{Height - Margin}\" font-size=\"12\">{Number(low)}</text>");
        html.Append(CultureInfo.InvariantCulture, $"<text x=\"{Margin}\" y=\"{Height - 16}\" font-size=\"12\">{Date(from)}</text><text x=\"{Width - Margin}\" y=\"{Height - 16}\" font-size=\"12\" text-anchor=\"end\">{Date(to)}</text></svg>\n");
        html.Append("<p class=\"muted\">").Append(string.Join(" ", regimes.Labels.Select(label =>
            $"<span style=\"background:{Fill(label)};padding:0 6px;border-radius:3px\">{Text(label)}</span>"))).Append("</p>\n");
    }

    private static int IndexOf(IReadOnlyList<string> labels, string label)
    {
        for (var i = 0; i < labels.Count; i++)
        {
            if (labels[i] == label)
            {
                return i;
            }
        }

        return -1;
    }

    private static void Leaderboard(StringBuilder html, PhaseSummary phase)
    {
        html.Append(CultureInfo.InvariantCulture, $"<h2>Phase {Text(phase.Phase)} ({Text(phase.Kind)}): {phase.Evaluated:N0} portfolios by {Text(phase.Objective)}</h2>\n");
        html.Append("<div class=\"scroll\"><table><thead><tr><th>#</th><th>portfolio</th><th>score</th>");
        html.Append(string.Concat(Columns.Select(c => $"<th>{c.Replace('_', ' ')}</th>"))).Append("<th>note</th></tr></thead><tbody>\n");
        foreach (var row in phase.Best)
        {
            html.Append(CultureInfo.InvariantCulture, $"<tr><td>{row.Rank}</td><td>{Text(row.Portfolio)}</td><td>{Number(row.Score)}</td>");
            html.Append(string.Concat(Columns.Select(c => $"<td>{Metric(c, row.Metrics.GetValueOrDefault(c, double.NaN))}</td>")));
            var note = row.ExcludedBecause is { } why ? $"never picked: {why}"
                : phase.WalkForward is not null ? $"out of sample, {row.Windows} windows chained"
                : row.Windows > 1 ? $"mean of {row.Windows} windows" : string.Empty;
            html.Append(CultureInfo.InvariantCulture, $"<td>{Text(note)}</td></tr>\n");
        }

        html.Append("</tbody></table></div>\n");
        if (phase.WalkForward is { } walkForward)
        {
            Windows(html, walkForward);
        }
    }

    /// <summary>A walk-forward phase's windows: each one's spans, choice and scores; then its efficiency, stability and parameters.</summary>
    private static void Windows(StringBuilder html, WalkForwardSummary walkForward)
    {
        html.Append("<div class=\"scroll\"><table id=\"windows\"><thead><tr><th>window</th><th>train</th><th>test</th><th>choice</th><th>in-sample</th><th>out-of-sample</th><th>equity</th></tr></thead><tbody>\n");
        foreach (var w in walkForward.Windows)
        {
            html.Append(CultureInfo.InvariantCulture, $"<tr><td>{w.Window}</td><td>{Span(w.TrainFrom, w.TrainTo)}</td><td>{Span(w.TestFrom, w.TestTo)}</td>");
            html.Append(CultureInfo.InvariantCulture, $"<td>{Text(w.Choice ?? "nothing could be picked: in cash")}</td><td>{Number(w.InSampleScore)}</td><td>{Number(w.OutOfSampleScore)}</td><td>{w.FinalEquity:N2}</td></tr>\n");
        }

        html.Append("</tbody></table></div>\n");
        var parameters = string.Join("; ", walkForward.Parameters.Select(p => $"{Text(p.Name)} {string.Join(" / ", p.Values.Select(Number))} (variation {Number(p.Variation)})"));
        html.Append(CultureInfo.InvariantCulture, $"<p>Walk-forward efficiency {Number(walkForward.Efficiency)} (mean out-of-sample over mean in-sample score); ");
        html.Append(CultureInfo.InvariantCulture, $"{Number(walkForward.ChoiceStability)} of windows kept the previous choice.{(parameters.Length > 0 ? $"<br>Parameters per window: {parameters}." : string.Empty)}</p>\n");
    }

    private static string Span(DateTimeOffset from, DateTimeOffset to) => $"{Date(from.ToUnixTimeMilliseconds())}..{Date(to.ToUnixTimeMilliseconds())}";

    /// <summary>
    /// The grid's best score over two parameters as a grid of cells (green high, red low, grey where no portfolio has the pair), each
    /// with its values and score as a tooltip; x values along the bottom, y values up the left.
    /// </summary>
    private static void Heatmap(StringBuilder html, GridHeatmap map, string objective)
    {
        var (columns, rows) = (map.XValues.Count, map.YValues.Count);
        var cell = Math.Clamp((Width - (2.0 * Margin)) / columns, 4, 40);
        var (width, height) = ((2 * Margin) + (columns * cell), (2 * Margin) + (rows * cell));
        var scores = map.Best.Cast<double>().Where(double.IsFinite).ToList();
        var (low, high) = scores.Count == 0 ? (0, 1) : (scores.Min(), scores.Max());
        html.Append(CultureInfo.InvariantCulture, $"<h2>Best {Text(objective)} of phase {Text(map.Phase)} by {Text(map.X)} (x) and {Text(map.Y)} (y)</h2>\n");
        html.Append(CultureInfo.InvariantCulture, $"<div class=\"scroll\"><svg id=\"heatmap\" viewBox=\"0 0 {Coordinate(width)} {Coordinate(height)}\" role=\"img\" aria-label=\"heatmap\" style=\"max-width:{Coordinate(width)}px\">");
        for (var i = 0; i < columns; i++)
        {
            for (var j = 0; j < rows; j++)
            {
                var score = map.Best[i, j];
                var (x, y) = (Margin + (i * cell), Margin + ((rows - 1 - j) * cell));
                html.Append(CultureInfo.InvariantCulture, $"<rect x=\"{Coordinate(x)}\" y=\"{Coordinate(y)}\" width=\"{Coordinate(cell)}\" height=\"{Coordinate(cell)}\" fill=\"{Color(score, low, high)}\">");
                html.Append(CultureInfo.InvariantCulture, $"<title>{Text(map.X)} {GridHeatmap.Label(map.XValues[i])}, {Text(map.Y)} {GridHeatmap.Label(map.YValues[j])}: {Number(score)}</title></rect>");
            }
        }

        // Axis labels: at most about 12 a side.
        var (everyX, everyY) = (Math.Max(1, columns / 12), Math.Max(1, rows / 12));
        for (var i = 0; i < columns; i += everyX)
        {
            html.Append(CultureInfo.InvariantCulture, $"<text x=\"{Coordinate(Margin + ((i + 0.5) * cell))}\" y=\"{Coordinate(height - Margin + 16)}\" font-size=\"11\" text-anchor=\"middle\">{GridHeatmap.Label(map.XValues[i])}</text>");
        }

        for (var j = 0; j < rows; j += everyY)
        {
            html.Append(CultureInfo.InvariantCulture, $"<text x=\"{Coordinate(Margin - 4)}\" y=\"{Coordinate(Margin + ((rows - 1 - j + 0.6) * cell))}\" font-size=\"11\" text-anchor=\"end\">{GridHeatmap.Label(map.YValues[j])}</text>");
        }

        html.Append(CultureInfo.InvariantCulture, $"</svg></div><p class=\"muted\">Each cell: the best score of the portfolios with those two values, whatever their other settings; from {Number(low)} (red) to {Number(high)} (green).</p>\n");
    }

    /// <summary>Red (low) through pale grey to green (high); a cell without a score is grey.</summary>
    private static string Color(double score, double low, double high)
    {
        if (!double.IsFinite(score))
        {
            return "#d0d4dc";
        }

        var t = high > low ? (score - low) / (high - low) : 0.5;
        (int R, int G, int B) from = t < 0.5 ? (194, 60, 60) : (240, 242, 245);
        (int R, int G, int B) to = t < 0.5 ? (240, 242, 245) : (46, 158, 91);
        var u = t < 0.5 ? t * 2 : (t - 0.5) * 2;
        int Mix(int a, int b) => (int)Math.Round(a + ((b - a) * u));
        return $"#{Mix(from.R, to.R):x2}{Mix(from.G, to.G):x2}{Mix(from.B, to.B):x2}";
    }

    /// <summary>The choice's closed trades, the first <see cref="MaxTrades"/> by exit time (the rest are in trades.parquet).</summary>
    private static void TradeList(StringBuilder html, IReadOnlyList<TradeRow> trades)
    {
        html.Append(CultureInfo.InvariantCulture, $"<h2>Trades of the choice: {trades.Count:N0}{(trades.Count > MaxTrades ? $", the first {MaxTrades}" : string.Empty)}</h2>\n");
        if (trades.Count == 0)
        {
            return;
        }

        html.Append("<div class=\"scroll\"><table id=\"trades\"><thead><tr><th>exit (UTC)</th><th>symbol</th><th>entry (UTC)</th><th>quantity</th><th>entry</th><th>exit</th><th>pnl</th><th>return</th></tr></thead><tbody>\n");
        foreach (var t in trades.Take(MaxTrades))
        {
            html.Append(CultureInfo.InvariantCulture,
                $"<tr><td>{Stamp(t.ExitTime)}</td><td>{Text(t.Symbol)}</td><td>{Stamp(t.EntryTime)}</td><td>{Number(t.Quantity)}</td><td>{Number(t.EntryPrice)}</td><td>{Number(t.ExitPrice)}</td><td>{Number(t.Pnl)}</td><td>{t.Return.ToString("P2", CultureInfo.InvariantCulture)}</td></tr>\n");
        }

        html.Append("</tbody></table></div>\n");
    }

    private static string Stamp(DateTimeOffset time) => time.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture);

    private static string Metric(string name, double value) => double.IsNaN(value) ? "n/a" : name switch
    {
        "total_return" or "max_drawdown" or "win_rate" => value.ToString("P2", CultureInfo.InvariantCulture),
        "trade_count" => value.ToString("N0", CultureInfo.InvariantCulture),
        _ => Number(value),
    };

    private static string Number(double value) => double.IsNaN(value) ? "n/a" : value.ToString("0.###", CultureInfo.InvariantCulture);

    private static string Coordinate(double value) => value.ToString("0.#", CultureInfo.InvariantCulture);

    private static string Date(long millis) => DateTimeOffset.FromUnixTimeMilliseconds(millis).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static string Text(string text) => WebUtility.HtmlEncode(text);
}
