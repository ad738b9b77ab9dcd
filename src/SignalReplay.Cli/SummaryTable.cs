using System.Globalization;
using Spectre.Console;
using SignalReplay.Core.Portfolio;
using SignalReplay.Core.Statistics;
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
                .Title($"phase {phase.Phase} ({phase.Kind}): {phase.Evaluated} portfolios, ranked by {phase.Objective}"
                    + (phase.SkippedCombinations > 0 ? $" ({phase.SkippedCombinations} parameter combinations skipped by constraints)" : string.Empty))
                .AddColumns("#", "portfolio", "score", "trades", "return", "sharpe", "max dd", "win rate", "note");
            foreach (var best in phase.Best)
            {
                table.AddRow(
                    best.Rank.ToString(CultureInfo.InvariantCulture),
                    Markup.Escape(best.Portfolio),
                    Cell.Of(best.Score, "F3"),
                    best.Metrics["trade_count"].ToString("N0", CultureInfo.InvariantCulture),
                    Cell.Of(best.Metrics["total_return"], "P2"),
                    Cell.Of(best.Metrics["sharpe"], "F2"),
                    Cell.Of(best.Metrics["max_drawdown"], "P2"),
                    Cell.Of(best.Metrics["win_rate"], "P1"),
                    Note(best, phase.WalkForward is not null));
            }

            foreach (var column in table.Columns.Where((_, i) => i is not (1 or 8)))
            {
                column.RightAligned();
            }

            console.Write(table);
            if (phase.WalkForward is { } walkForward)
            {
                WriteWindows(console, phase, walkForward);
            }
        }

        if (summary.Choice is { } choice)
        {
            var walkForward = summary.Phases[^1].WalkForward is not null;
            console.MarkupLineInterpolated(
                $"[green]Choice[/] ({(walkForward ? $"phase {choice.Phase}'s last window, scored out of sample" : $"best of phase {choice.Phase}")}): [bold]{choice.Portfolio}[/], score {Cell.Of(choice.Score, "F3")}, sharpe {Cell.Of(choice.Metrics["sharpe"], "F2")}.");
        }
        else if (summary.Phases is [.., var last])
        {
            console.MarkupLineInterpolated($"[yellow]No choice[/]: no portfolio of phase {last.Phase} could be picked (each made no trade or its {last.Objective} is undefined).");
        }

        if (summary.Statistics is { } statistics)
        {
            console.MarkupLine(Markup.Escape(Statistics(statistics)));
            foreach (var note in statistics.Notes)
            {
                console.MarkupLineInterpolated($"[grey]  ({note})[/]");
            }
        }
    }

    /// <summary>
    /// The selection statistics in a line: e.g. "Is it real? 1,722 trials; PSR 0.97; deflated Sharpe 0.41 (luck alone reaches
    /// Sharpe 1.23); PBO 0.18 (200 trials, S = 16)".
    /// </summary>
    public static string Statistics(SelectionStatistics s)
    {
        var sample = s.PboTrials > 0 ? string.Create(CultureInfo.InvariantCulture, $" ({s.PboTrials:N0} trials, S = {s.PboPartitions})") : string.Empty;
        return string.Create(
            CultureInfo.InvariantCulture,
            $"Is it real? {s.Trials:N0} trials; PSR {Cell.Of(s.Psr, "F2")}; deflated Sharpe {Cell.Of(s.DeflatedSharpe, "F2")} (luck alone reaches Sharpe {Cell.Of(s.ExpectedMaxSharpe, "F2")}); PBO {Cell.Of(s.Pbo, "F2")}{sample}.");
    }

    /// <summary>A walk-forward phase's windows: what each chose on its train span and how that did on its test span; then the overall figures.</summary>
    private static void WriteWindows(IAnsiConsole console, PhaseSummary phase, WalkForwardSummary walkForward)
    {
        var table = new Table()
            .Title($"phase {phase.Phase}: {walkForward.Windows.Count} windows, each re-optimized on its train span and traded on its test span")
            .AddColumns("window", "train", "test", "choice", "in-sample", "out-of-sample", "equity");
        foreach (var w in walkForward.Windows)
        {
            table.AddRow(
                w.Window.ToString(CultureInfo.InvariantCulture),
                Span(w.TrainFrom, w.TrainTo),
                Span(w.TestFrom, w.TestTo),
                Markup.Escape(w.Choice ?? "(nothing could be picked: in cash)"),
                Cell.Of(w.InSampleScore, "F3"),
                Cell.Of(w.OutOfSampleScore, "F3"),
                w.FinalEquity.ToString("N2", CultureInfo.InvariantCulture));
        }

        foreach (var column in table.Columns.Where((_, i) => i is 0 or 4 or 5 or 6))
        {
            column.RightAligned();
        }

        console.Write(table);
        var oos = walkForward.OutOfSample;
        var moved = walkForward.Parameters.Where(p => p.Variation > 0).Select(p => string.Create(CultureInfo.InvariantCulture, $"{p.Name} {p.Variation:F2}")).ToList();
        var parameters = moved.Count == 0 ? "no parameter moved." : $"parameter variation (stdev/mean): {string.Join(", ", moved)}.";
        console.MarkupLine(Markup.Escape(string.Create(
            CultureInfo.InvariantCulture,
            $"Out of sample: return {Cell.Of(oos["total_return"], "P2")}, sharpe {Cell.Of(oos["sharpe"], "F2")}, max dd {Cell.Of(oos["max_drawdown"], "P2")}, {oos["trade_count"]:N0} trades; walk-forward efficiency {Cell.Of(walkForward.Efficiency, "F2")}; {Cell.Of(walkForward.ChoiceStability, "P0")} of windows kept the previous choice; {parameters}")));
    }

    private static string Span(DateTimeOffset from, DateTimeOffset to) =>
        string.Create(CultureInfo.InvariantCulture, $"{from:yyyy-MM-dd}..{to:yyyy-MM-dd}");

    /// <summary>Why a row can never be picked, and what an averaged row is the mean of (or a walk-forward row the chain of).</summary>
    private static string Note(RankedPortfolio ranked, bool chained) =>
        string.Join("; ", new[]
        {
            ranked.ExcludedBecause is { } why ? $"never picked: {why}" : null,
            chained ? $"out of sample, {ranked.Windows} windows chained" : ranked.Windows > 1 ? $"mean of {ranked.Windows} windows" : null,
        }.OfType<string>());
}
