using System.Globalization;
using Spectre.Console;

namespace SignalReplay.Cli;

/// <summary>One row per portfolio, best score (when given) then best Sharpe first.</summary>
internal static class MetricsTable
{
    /// <summary>The results of a replay or full run, in the order its outcome ranked them.</summary>
    public static void Write(IAnsiConsole console, string title, IEnumerable<Abstractions.ScoredResult> results, int top) =>
        Write(console, title, results.Select(r => (r.Result.PortfolioId, Metrics(r.Result.Metrics), r.Result.FinalEquity)), top);

    public static IReadOnlyDictionary<string, double> Metrics(Core.Portfolio.PerformanceMetrics metrics) =>
        Core.Portfolio.PerformanceMetrics.Names.ToDictionary(name => name, metrics.Get);

    public static void Write(
        IAnsiConsole console,
        string title,
        IEnumerable<(string Portfolio, IReadOnlyDictionary<string, double> Metrics, double FinalEquity)> rows,
        int top,
        Func<string, double>? score = null)
    {
        score ??= _ => 0;
        var list = rows.ToList();
        var ordered = list.OrderByDescending(row => score(row.Portfolio)).ThenByDescending(row => row.Metrics["sharpe"]).ThenBy(row => row.Portfolio, StringComparer.Ordinal).ToList();
        var table = new Table().Title(title).AddColumns("portfolio", "trades", "return", "sharpe", "sortino", "max dd", "win rate", "final equity");
        foreach (var (portfolio, metrics, equity) in ordered.Take(top))
        {
            table.AddRow(
                Markup.Escape(portfolio),
                metrics["trade_count"].ToString("N0", CultureInfo.InvariantCulture),
                Cell.Of(metrics["total_return"], "P2"),
                Cell.Of(metrics["sharpe"], "F2"),
                Cell.Of(metrics["sortino"], "F2"),
                Cell.Of(metrics["max_drawdown"], "P2"),
                Cell.Of(metrics["win_rate"], "P1"),
                Cell.Of(equity, "N2"));
        }

        foreach (var column in table.Columns.Skip(1))
        {
            column.RightAligned();
        }

        console.Write(table);
        if (ordered.Count > top)
        {
            console.MarkupLineInterpolated($"{ordered.Count - top} more portfolios not shown.");
        }
    }
}
