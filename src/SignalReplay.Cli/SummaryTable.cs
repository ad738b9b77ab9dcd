using System.Globalization;
using Spectre.Console;
using SignalReplay.Core.Portfolio;
using SignalReplay.Storage.Results;

namespace SignalReplay.Cli;

/// <summary>A run's summary as tables: the best candidates of each phase, then the final choice.</summary>
internal static class SummaryTable
{
    public static void Write(IAnsiConsole console, RunSummary summary)
    {
        foreach (var phase in summary.Phases)
        {
            var table = new Table()
                .Title($"phase {phase.Phase} ({phase.Kind}): {phase.Evaluated} portfolios, ranked by {phase.Objective}")
                .AddColumns("#", "portfolio", "score", "trades", "return", "sharpe", "max dd", "win rate");
            foreach (var best in phase.Best)
            {
                table.AddRow(
                    best.Rank.ToString(CultureInfo.InvariantCulture),
                    Markup.Escape(best.Portfolio),
                    best.Score.ToString("F3", CultureInfo.InvariantCulture),
                    best.Metrics["trade_count"].ToString("N0", CultureInfo.InvariantCulture),
                    best.Metrics["total_return"].ToString("P2", CultureInfo.InvariantCulture),
                    best.Metrics["sharpe"].ToString("F2", CultureInfo.InvariantCulture),
                    best.Metrics["max_drawdown"].ToString("P2", CultureInfo.InvariantCulture),
                    best.Metrics["win_rate"].ToString("P1", CultureInfo.InvariantCulture));
            }

            foreach (var column in table.Columns.Where((_, i) => i != 1))
            {
                column.RightAligned();
            }

            console.Write(table);
        }

        if (summary.Choice is { } choice)
        {
            console.MarkupLineInterpolated(
                $"[green]Choice[/] (best of phase {choice.Phase}): [bold]{choice.Portfolio}[/], score {choice.Score.ToString("F3", CultureInfo.InvariantCulture)}, sharpe {choice.Metrics["sharpe"].ToString("F2", CultureInfo.InvariantCulture)}.");
        }
    }
}
