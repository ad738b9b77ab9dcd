using System.CommandLine;
using System.Globalization;
using Spectre.Console;
using SignalReplay.Core.Optimization;
using SignalReplay.Storage.BaseData;
using SignalReplay.Storage.Results;
using SignalReplay.Storage.Retention;

namespace SignalReplay.Cli;

/// <summary><c>runs</c>, <c>results</c>, <c>retention</c> and <c>migrate</c>: what is in the store's results layout.</summary>
internal static class ResultsCommands
{
    public static Command Runs(IAnsiConsole console)
    {
        var list = new Command("list", "Every run with its status: in the store, or on a silo host with --api.") { RunWatch.Api, RunWatch.ApiKey };
        list.SetAction((parse, cancellationToken) => CommandAction.RunAsync(console, parse, async () =>
        {
            var table = new Table().AddColumns("run", "name", "status", "created (UTC)", "finished (UTC)");
            void Add(RunListItem run) => table.AddRow(Markup.Escape(run.RunId), Markup.Escape(run.Name ?? "?"), run.State ?? "?", Time(run.CreatedAt), Time(run.FinishedAt));
            using var api = RunWatch.Client(parse);
            if (api is not null)
            {
                string? next = null;
                do
                {
                    (var runs, next) = await api.ListAsync(next, cancellationToken);
                    foreach (var run in runs)
                    {
                        Add(run);
                    }
                }
                while (next is not null);

                console.Write(table);
                return;
            }

            var store = Store(parse).Objects;
            var page = new RunPage([], null);
            do
            {
                page = await RunIndex.PageAsync(store, 1_000, page.Next, cancellationToken);
                foreach (var run in page.Runs)
                {
                    Add(RunListItem.Of(run));
                }
            }
            while (page.Next is not null);

            console.Write(table);
            if (table.Rows.Count == 0 && await new ResultsReader(store).ListWorkflowsAsync(cancellationToken).AnyAsync(cancellationToken))
            {
                console.MarkupLine("[yellow]The store holds runs written before the run index: `signalreplay migrate` lists them.[/]");
            }
        }));

        var id = new Argument<string>("run") { Description = "Run id (see runs list)." };
        var show = RunWatch.HostCommand("show", "A run's status, phases and summary: from the store, or from a silo host with --api.", id);
        show.SetAction((parse, cancellationToken) => CommandAction.RunAsync(console, parse, async () =>
        {
            var run = parse.GetValue(id)!;
            using var api = RunWatch.Client(parse);
            if (api is not null)
            {
                var remote = await api.StatusAsync(run, cancellationToken);
                console.MarkupLineInterpolated($"Run [bold]{run}[/] ({remote.Name}) on {api.BaseAddress}: {RunWatch.Progress(remote)}");
                ShowOutcome(console, remote);
                if (remote.State == RunState.Completed)
                {
                    SummaryTable.Write(console, await api.SummaryAsync(run, cancellationToken));
                }

                return;
            }

            var store = Store(parse).Objects;
            var reader = new ResultsReader(store);
            var metadata = await reader.ReadMetadataAsync(run, cancellationToken) ?? throw new ArgumentException($"There is no run '{run}' in the store.");
            var status = await RunWatch.FromStoreAsync(store, metadata, cancellationToken);
            console.MarkupLineInterpolated($"Run [bold]{run}[/] ({metadata.Name}): {status.State}; signal set {metadata.SignalSetId ?? "-"}; dataset {metadata.Dataset}.");
            foreach (var phase in metadata.Phases)
            {
                console.MarkupLineInterpolated($"  phase {phase.Phase} ({phase.Kind}): {phase.Portfolios} portfolios in {phase.Seconds:F1} s");
            }

            ShowOutcome(console, status);
            if (await reader.ReadSummaryAsync(run, cancellationToken) is { } summary)
            {
                SummaryTable.Write(console, summary);
            }
        }));
        var watchId = new Argument<string>("run") { Description = "Run id (see runs list, or the id optimize printed)." };
        var interval = RunWatch.PollSeconds(2);
        var watch = RunWatch.HostCommand("watch", "Follow a run until it finishes, then print its summary: on a silo host with --api, else through the store's metadata.json.", watchId, interval);
        watch.SetAction((parse, cancellationToken) => CommandAction.RunAsync(console, parse, async () =>
        {
            var run = parse.GetValue(watchId)!;
            var every = TimeSpan.FromSeconds(parse.GetValue(interval));
            using var api = RunWatch.Client(parse);
            if (api is not null)
            {
                await RunWatch.FollowRemoteAsync(console, api, await api.StatusAsync(run, cancellationToken), every, cancellationToken);
                return;
            }

            var store = Store(parse).Objects;
            var reader = new ResultsReader(store);
            async Task<Abstractions.RunStatus> FromStoreAsync(CancellationToken token) =>
                await RunWatch.FromStoreAsync(store, await reader.ReadMetadataAsync(run, token) ?? throw new ArgumentException($"There is no run '{run}' in the store."), token);
            var finished = await RunWatch.UntilFinishedAsync(console, await FromStoreAsync(cancellationToken), FromStoreAsync, every, cancellationToken);
            RunWatch.ThrowIfFailed(finished);
            if (await reader.ReadSummaryAsync(run, cancellationToken) is { } summary)
            {
                SummaryTable.Write(console, summary);
            }
        }));
        var resumeId = new Argument<string>("run") { Description = "Run id (see runs list)." };
        var resume = RunWatch.HostCommand("resume", "Continue an interrupted run from its first unfinished phase and follow it: on a silo host with --api, else on the embedded silo.", resumeId, interval);
        resume.SetAction((parse, cancellationToken) => CommandAction.RunAsync(console, parse, async () =>
        {
            var run = parse.GetValue(resumeId)!;
            using var api = RunWatch.Client(parse);
            if (api is not null)
            {
                var resumed = await api.ActAsync(run, "resume", cancellationToken);
                await RunWatch.FollowRemoteAsync(console, api, resumed, TimeSpan.FromSeconds(parse.GetValue(interval)), cancellationToken);
                return;
            }

            await OptimizationRun.ResumeAsync(console, Store(parse), run, cancellationToken);
        }));
        var interruptId = new Argument<string>("run") { Description = "Run id (see runs list)." };
        var interrupt = RunWatch.HostCommand("interrupt", "Stop a run on a silo host where it stands (runs resume continues it). An embedded run stops with Ctrl-C.", interruptId);
        interrupt.SetAction((parse, cancellationToken) => CommandAction.RunAsync(console, parse, async () =>
        {
            using var api = RunWatch.Client(parse)
                ?? throw new ArgumentException("runs interrupt acts on a silo host: give --api URL (an embedded run stops with Ctrl-C).");
            var status = await api.ActAsync(parse.GetValue(interruptId)!, "interrupt", cancellationToken);
            console.MarkupLine(Markup.Escape(RunWatch.Progress(status)));
        }));
        return new Command("runs", "Runs in the store: list, show, watch, resume, interrupt.") { list, show, watch, resume, interrupt };
    }

    public static Command Results(IAnsiConsole console)
    {
        var run = new Argument<string>("run") { Description = "Run id." };
        var phase = new Option<string?>("--phase") { Description = "Phase (default: the last one)." };
        var n = new Option<int>("-n") { Description = "Rows.", DefaultValueFactory = _ => 10 };
        var top = ReadCommand("top", "The n best portfolios of a phase, from its metrics.parquet.", run, phase, n);
        top.SetAction((parse, cancellationToken) => CommandAction.RunAsync(console, parse, async () =>
        {
            using var source = ResultsSource.Open(parse);
            var id = parse.GetValue(run)!;
            var name = await source.PhaseAsync(id, parse.GetValue(phase), cancellationToken);
            var rows = await source.TopAsync(id, name, parse.GetValue(n), cancellationToken);
            MetricsTable.Write(console, $"{id} phase {name}", rows.Select(r => (r.Portfolio, r.Metrics, r.FinalEquity)), parse.GetValue(n), r => rows.First(x => x.Portfolio == r).Score);
        }));

        var file = new Option<PhaseFile>("--file") { Description = "Which phase file: metrics (one row per portfolio), trades or equity.", DefaultValueFactory = _ => PhaseFile.Metrics };
        var format = new Option<TableFormat?>("--format") { Description = "csv, json (an array of objects) or parquet (default: by --out's extension, else csv)." };
        var output = new Option<string>("--out") { Description = "File to write, or - for standard output (the default).", DefaultValueFactory = _ => "-" };
        var exportPortfolio = new Option<string?>("--portfolio") { Description = "Only this portfolio's rows (default: every row)." };
        var export = ReadCommand("export", "Write a phase file with every column it holds (times ISO 8601 UTC, one column per strategy parameter) as CSV, JSON or Parquet.", run, phase, file, exportPortfolio, format, output);
        export.SetAction((parse, cancellationToken) => CommandAction.RunAsync(console, parse, async () =>
        {
            using var source = ResultsSource.Open(parse);
            var id = parse.GetValue(run)!;
            var name = await source.PhaseAsync(id, parse.GetValue(phase), cancellationToken);
            await ExportAsync(console, source, id, name, parse.GetValue(file), parse.GetValue(exportPortfolio), parse.GetValue(format), parse.GetValue(output)!, cancellationToken);
        }));

        var trades = PortfolioFileCommand(console, PhaseFile.Trades, "trades", "A kept portfolio's closed trades in a phase, from its trades.parquet: a table, or a file with --out or --format.", run, phase);
        var equity = PortfolioFileCommand(console, PhaseFile.Equity, "equity", "A kept portfolio's day-end equity and drawdown in a phase, from its equity.parquet: a table, or a file with --out or --format.", run, phase);

        var reportOut = new Option<string?>("--out") { Description = "HTML file to write (default: the run's report.html in the store; with --api, RUN.html here)." };
        var heatX = new Option<string?>("--x") { Description = "The grid heatmap's x parameter, e.g. momentum.fast (default: the parameter with the most values)." };
        var heatY = new Option<string?>("--y") { Description = "The grid heatmap's y parameter (default: the one with the next most values)." };
        var report = ReadCommand("report", "Write a run's self-contained HTML report (its choice, equity and drawdown, leaderboards, grid heatmap, walk-forward windows, configuration) and print where.", run, reportOut, heatX, heatY);
        report.SetAction((parse, cancellationToken) => CommandAction.RunAsync(console, parse, async () =>
        {
            var id = parse.GetValue(run)!;
            using var api = RunWatch.Client(parse);
            string path;
            if (api is not null)
            {
                path = parse.GetValue(reportOut) ?? $"{id}.html";
                await File.WriteAllBytesAsync(path, await api.ReportAsync(id, parse.GetValue(heatX), parse.GetValue(heatY), cancellationToken), cancellationToken);
            }
            else
            {
                var store = Store(parse);
                var metadata = await new ResultsReader(store.Objects).ReadMetadataAsync(id, cancellationToken) ?? throw new ArgumentException($"There is no run '{id}' in {store.Root}.");
                var key = await new ResultsWriter(store.Objects).WriteReportAsync(id, metadata, parse.GetValue(heatX), parse.GetValue(heatY), cancellationToken);
                path = Path.Combine(store.Root, key.Value);
                if (parse.GetValue(reportOut) is { } copy)
                {
                    File.Copy(path, copy, overwrite: true);
                    path = copy;
                }
            }

            console.MarkupLineInterpolated($"Report: [bold]{path}[/]");
        }));
        return new Command("results", "A run's results: top, export, trades, equity, report; from the store, or from a silo host with --api.") { top, export, trades, equity, report };
    }

    /// <summary>A read command: its arguments and options, and <c>--api</c> / <c>--api-key</c> to read from a silo host instead of the store.</summary>
    private static Command ReadCommand(string name, string description, Argument<string> run, params Option[] options)
    {
        var command = RunWatch.HostCommand(name, description, run);
        foreach (var option in options)
        {
            command.Add(option);
        }

        return command;
    }

    /// <summary><c>results trades</c> and <c>results equity</c>: one kept portfolio's rows (the phase's best by default) as a table or a file.</summary>
    private static Command PortfolioFileCommand(IAnsiConsole console, PhaseFile file, string name, string description, Argument<string> run, Option<string?> phase)
    {
        var portfolio = new Option<string?>("--portfolio") { Description = "Portfolio id (default: the phase's best); all for every kept portfolio (with --out or --format)." };
        var format = new Option<TableFormat?>("--format") { Description = "Write csv, json or parquet instead of a table (default with --out: by its extension, else csv)." };
        var output = new Option<string?>("--out") { Description = "File to write, or - for standard output (default: a table)." };
        var command = ReadCommand(name, description, run, phase, portfolio, format, output);
        command.SetAction((parse, cancellationToken) => CommandAction.RunAsync(console, parse, async () =>
        {
            using var source = ResultsSource.Open(parse);
            var id = parse.GetValue(run)!;
            var phaseName = await source.PhaseAsync(id, parse.GetValue(phase), cancellationToken);
            var wanted = parse.GetValue(portfolio) ?? (await source.TopAsync(id, phaseName, 1, cancellationToken)).FirstOrDefault()?.Portfolio
                ?? throw new ArgumentException($"Phase '{phaseName}' of run '{id}' has no portfolios.");
            var only = wanted == "all" ? null : wanted;
            if (parse.GetValue(output) is not null || parse.GetValue(format) is not null)
            {
                await ExportAsync(console, source, id, phaseName, file, only, parse.GetValue(format), parse.GetValue(output) ?? "-", cancellationToken);
                return;
            }

            if (only is null)
            {
                throw new ArgumentException($"--portfolio all writes a file: add --out PATH or --format.");
            }

            var title = $"{only} in phase {phaseName}";
            if (file == PhaseFile.Trades)
            {
                TradesTable(console, title, await OwnRowsAsync(source, id, phaseName, file, only, PhaseParquet.ReadTradesAsync, r => r.Portfolio, cancellationToken));
            }
            else
            {
                EquityTable(console, title, await OwnRowsAsync(source, id, phaseName, file, only, PhaseParquet.ReadEquityAsync, r => r.Portfolio, cancellationToken));
            }
        }));
        return command;
    }

    private static void TradesTable(IAnsiConsole console, string title, IReadOnlyList<TradeRow> rows)
    {
        var table = new Table().Title(title).AddColumns("symbol", "entry (UTC)", "exit (UTC)", "quantity", "entry price", "exit price", "pnl", "return");
        foreach (var row in rows)
        {
            table.AddRow(
                Markup.Escape(row.Symbol), Time(row.EntryTime), Time(row.ExitTime), Cell.Of(row.Quantity, "G6"), Cell.Of(row.EntryPrice, "N4"), Cell.Of(row.ExitPrice, "N4"), Cell.Of(row.Pnl, "N2"), Cell.Of(row.Return, "P2"));
        }

        foreach (var column in table.Columns.Skip(3))
        {
            column.RightAligned();
        }

        console.Write(table);
        console.MarkupLineInterpolated($"{rows.Count} trades, pnl {rows.Sum(r => r.Pnl).ToString("N2", CultureInfo.InvariantCulture)}.");
    }

    private static void EquityTable(IAnsiConsole console, string title, IReadOnlyList<EquityRow> rows)
    {
        var table = new Table().Title(title).AddColumns("date (UTC)", "equity", "drawdown");
        foreach (var row in rows)
        {
            table.AddRow(row.Time.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), row.Equity.ToString("N2", CultureInfo.InvariantCulture), row.Drawdown.ToString("P2", CultureInfo.InvariantCulture));
        }

        console.Write(table);
    }

    /// <summary>
    /// <paramref name="portfolio"/>'s rows of a phase file (a silo host cuts the file to them); none is an error naming the portfolios
    /// the file does keep, read whole only then.
    /// </summary>
    private static async Task<IReadOnlyList<T>> OwnRowsAsync<T>(
        ResultsSource source, string run, string phase, PhaseFile file, string portfolio,
        Func<Stream, string, CancellationToken, Task<IReadOnlyList<T>>> read, Func<T, string> portfolioOf, CancellationToken cancellationToken)
    {
        var name = PhaseFileExport.Key(run, phase, file).Value;
        await using (var input = await OpenAsync(source, run, phase, file, portfolio, cancellationToken))
        {
            var own = (await read(input, name, cancellationToken)).Where(r => portfolioOf(r) == portfolio).ToList();
            if (own.Count > 0)
            {
                return own;
            }
        }

        await using var all = await OpenAsync(source, run, phase, file, null, cancellationToken);
        var kept = (await read(all, name, cancellationToken)).Select(portfolioOf).Distinct().ToList();
        throw new ArgumentException(
            $"Phase '{phase}' keeps the {file.ToString().ToLowerInvariant()} of {kept.Count} portfolios, not of '{portfolio}' (or it has none): "
            + $"{string.Join(", ", kept.Take(10))}{(kept.Count > 10 ? ", ..." : string.Empty)}.");
    }

    private static async Task<Stream> OpenAsync(ResultsSource source, string run, string phase, PhaseFile file, string? portfolio, CancellationToken cancellationToken) =>
        await source.OpenAsync(run, phase, file, portfolio, cancellationToken)
            ?? throw new ArgumentException(file == PhaseFile.Equity
                ? $"Phase '{phase}' of run '{run}' has no equity.parquet (runs before 2026-12-03 did not write one)."
                : $"Run '{run}' has no {file.ToString().ToLowerInvariant()}.parquet in phase '{phase}' (no such run or phase, or past its retention).");

    /// <summary>Writes a phase file as <paramref name="format"/> (else by <paramref name="path"/>'s extension, else CSV) to a file, or to standard output for <c>-</c>.</summary>
    private static async Task ExportAsync(
        IAnsiConsole console, ResultsSource source, string run, string phase, PhaseFile file, string? portfolio, TableFormat? format, string path, CancellationToken cancellationToken)
    {
        var chosen = format ?? PhaseFileExport.FromExtension(path) ?? TableFormat.Csv;
        await using var input = await OpenAsync(source, run, phase, file, portfolio, cancellationToken);
        var name = PhaseFileExport.Key(run, phase, file).Value;
        if (path == "-")
        {
            // Standard output holds the rows and nothing else; Parquet goes out as bytes, text through the console's writer.
            await using var stdout = chosen == TableFormat.Parquet ? Console.OpenStandardOutput() : new TextWriterStream(console.Profile.Out.Writer);
            await PhaseFileExport.WriteAsync(input, name, chosen, stdout, portfolio, cancellationToken);
            return;
        }

        // Written beside the target and moved onto it: a failed export leaves no half-written file.
        var temporary = path + ".partial";
        long rows;
        try
        {
            await using (var output = File.Create(temporary))
            {
                rows = await PhaseFileExport.WriteAsync(input, name, chosen, output, portfolio, cancellationToken);
            }

            File.Move(temporary, path, overwrite: true);
        }
        finally
        {
            File.Delete(temporary);
        }

        console.MarkupLineInterpolated($"{rows} rows of {file.ToString().ToLowerInvariant()} of phase {phase} written to {path} ({chosen.ToString().ToLowerInvariant()}).");
    }

    public static Command Retention(IAnsiConsole console)
    {
        var dryRun = new Option<bool>("--dry-run") { Description = "Report what would be deleted; delete nothing." };
        var events = new Option<int?>("--events-days") { Description = "Days events are kept (default 7)." };
        var trades = new Option<int?>("--trades-days") { Description = "Days trades are kept (default 90)." };
        var metrics = new Option<int?>("--metrics-days") { Description = "Days metrics are kept (default 365)." };
        var command = new Command("retention", "Delete results past their retention class's days (events 7, trades 90, metrics 365, summary kept).") { dryRun, events, trades, metrics };
        command.SetAction((parse, cancellationToken) => CommandAction.RunAsync(console, parse, async () =>
        {
            var defaults = RetentionPolicy.Default;
            var policy = defaults with
            {
                EventsDays = parse.GetValue(events) ?? defaults.EventsDays,
                TradesDays = parse.GetValue(trades) ?? defaults.TradesDays,
                MetricsDays = parse.GetValue(metrics) ?? defaults.MetricsDays,
            };
            var report = await RetentionSweeper.ApplyAsync(Store(parse).Objects, policy, DateTimeOffset.UtcNow, parse.GetValue(dryRun), cancellationToken);
            foreach (var expired in report.Deleted)
            {
                console.MarkupLineInterpolated($"{(report.DryRun ? "would delete" : "deleted")} {expired.Key} ({expired.Class}, {expired.AgeDays:F1} days, {expired.Size:N0} bytes)");
            }

            console.MarkupLineInterpolated($"{report.Deleted.Count} {(report.DryRun ? "to delete" : "deleted")}, {report.Kept} kept, {report.Untagged.Count} untagged (left alone).");
        }));
        return command;
    }

    public static Command Migrate(IAnsiConsole console)
    {
        var command = new Command("migrate", "Convert v1 results (results/{run}/results.json) to the v2 layout and remove what older versions left behind; safe to run again.");
        command.SetAction((parse, cancellationToken) => CommandAction.RunAsync(console, parse, async () =>
        {
            var store = Store(parse).Objects;
            var report = await new ResultsMigrator(store).MigrateAllAsync(cancellationToken);
            console.MarkupLineInterpolated($"Migrated {report.Migrated.Count} run(s): {string.Join(", ", report.Migrated)}; {report.AlreadyMigrated.Count} already in v2 (rewritten identically).");
            var indexed = await new ResultsMigrator(store).IndexRunsAsync(cancellationToken);
            console.MarkupLineInterpolated($"Added {indexed} run(s) written before the run index to it (results/.index/runs/).");
            var subscriptions = await Grains.Storage.ObjectStoreGrainStorage.DeleteLegacyStreamSubscriptionsAsync(store, cancellationToken);
            console.MarkupLineInterpolated($"Removed {subscriptions} stream-subscription file(s) that versions before 2026-11-25 left under grain-state/.");
            var datasets = new BaseDatasetStore(store);
            foreach (var dataset in await datasets.DatasetsAsync(cancellationToken))
            {
                var (upgraded, damaged) = await datasets.AddFileHashesAsync(dataset, cancellationToken);
                if (upgraded > 0)
                {
                    console.MarkupLineInterpolated($"Base dataset {dataset}: recorded the file sha256 of {upgraded} series.");
                }

                foreach (var file in damaged)
                {
                    console.MarkupLineInterpolated($"[yellow]{file}[/]: does not decode to the bars its manifest describes; ingest its CSV again to repair it.");
                }
            }
        }));
        return command;
    }

    /// <summary>A failed or interrupted run's error, and how to continue an interrupted one.</summary>
    private static void ShowOutcome(IAnsiConsole console, Abstractions.RunStatus status)
    {
        if (status.Error is { } error)
        {
            console.MarkupLineInterpolated($"[red]{(status.State == RunState.Interrupted ? "interrupted" : "error")}:[/] {error}");
        }

        if (status.State == RunState.Interrupted)
        {
            console.MarkupLineInterpolated($"[bold]signalreplay runs resume {status.RunId}[/] continues it.");
        }
    }

    private static LocalStore Store(ParseResult parse) => LocalStore.Open(parse.GetValue(SignalReplayCommandLine.Store)!);

    private static string Time(DateTimeOffset? time) => time?.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture) ?? "-";
}
