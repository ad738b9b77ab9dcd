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
        var list = new Command("list", "Every run in the store with its status.");
        list.SetAction((parse, cancellationToken) => CommandAction.RunAsync(console, parse, async () =>
        {
            var store = Store(parse).Objects;
            var table = new Table().AddColumns("run", "name", "status", "created (UTC)", "finished (UTC)");
            var page = new RunPage([], null);
            do
            {
                page = await RunIndex.PageAsync(store, 1_000, page.Next, cancellationToken);
                foreach (var run in page.Runs)
                {
                    table.AddRow(Markup.Escape(run.Id), Markup.Escape(run.Name ?? "?"), run.Status ?? "?", Time(run.CreatedAt), Time(run.FinishedAt));
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
        var show = new Command("show", "A run's metadata and summary.") { id };
        show.SetAction((parse, cancellationToken) => CommandAction.RunAsync(console, parse, async () =>
        {
            var run = parse.GetValue(id)!;
            var store = Store(parse).Objects;
            var reader = new ResultsReader(store);
            var metadata = await reader.ReadMetadataAsync(run, cancellationToken) ?? throw new ArgumentException($"There is no run '{run}' in the store.");
            var status = await RunWatch.FromStoreAsync(store, metadata, cancellationToken);
            console.MarkupLineInterpolated($"Run [bold]{run}[/] ({metadata.Name}): {status.State}; signal set {metadata.SignalSetId ?? "-"}; dataset {metadata.Dataset}.");
            foreach (var phase in metadata.Phases)
            {
                console.MarkupLineInterpolated($"  phase {phase.Phase} ({phase.Kind}): {phase.Portfolios} portfolios in {phase.Seconds:F1} s");
            }

            if (status.Error is { } error)
            {
                console.MarkupLineInterpolated($"[red]{(status.State == RunState.Interrupted ? "interrupted" : "error")}:[/] {error}");
            }

            if (status.State == RunState.Interrupted)
            {
                console.MarkupLineInterpolated($"[bold]signalreplay runs resume {run}[/] continues it.");
            }

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
        var top = new Command("top", "The n best portfolios of a phase, from its metrics.parquet.") { run, phase, n };
        top.SetAction((parse, cancellationToken) => CommandAction.RunAsync(console, parse, async () =>
        {
            var (name, rows) = await RowsAsync(parse, run, phase, cancellationToken);
            MetricsTable.Write(console, $"{parse.GetValue(run)} phase {name}", rows.Select(r => (r.Portfolio, r.Metrics, r.FinalEquity)), parse.GetValue(n), r => rows.First(x => x.Portfolio == r).Score);
        }));

        var output = new Option<string>("--out") { Description = "CSV file to write, or - for standard output.", Required = true };
        var export = new Command("export", "Write a phase's metrics rows as CSV.") { run, phase, output };
        export.SetAction((parse, cancellationToken) => CommandAction.RunAsync(console, parse, async () =>
        {
            var (name, rows) = await RowsAsync(parse, run, phase, cancellationToken);
            await WriteCsvAsync(
                console,
                parse.GetValue(output)!,
                ["rank", "portfolio", "candidate", "score", "final_equity", .. Core.Portfolio.PerformanceMetrics.Names],
                rows.Select(row => (IReadOnlyList<string>)[
                    row.Rank.ToString(CultureInfo.InvariantCulture), Quote(row.Portfolio), Quote(row.Candidate), Number(row.Score), Number(row.FinalEquity),
                    .. Core.Portfolio.PerformanceMetrics.Names.Select(m => Number(row.Metrics[m]))]),
                cancellationToken,
                $"of phase {name} ");
        }));
        var portfolio = new Option<string?>("--portfolio") { Description = "Portfolio id (default: the phase's best)." };
        var equityOut = new Option<string?>("--out") { Description = "CSV file to write, or - for standard output (default: a table)." };
        var equity = new Command("equity", "A kept portfolio's day-end equity and drawdown in a phase, from its equity.parquet.") { run, phase, portfolio, equityOut };
        equity.SetAction((parse, cancellationToken) => CommandAction.RunAsync(console, parse, async () =>
        {
            var (name, rows) = await RowsAsync(parse, run, phase, cancellationToken);
            var id = parse.GetValue(run)!;
            var curves = await new ResultsReader(Store(parse).Objects).ReadEquityAsync(id, name, cancellationToken)
                ?? throw new ArgumentException($"Phase '{name}' of run '{id}' has no equity.parquet (runs before 2026-12-03 did not write one).");
            var wanted = parse.GetValue(portfolio) ?? rows[0].Portfolio;
            var curve = curves.Where(r => r.Portfolio == wanted).ToList();
            if (curve.Count == 0)
            {
                var kept = curves.Select(r => r.Portfolio).Distinct().ToList();
                throw new ArgumentException($"Phase '{name}' keeps the equity of {kept.Count} portfolios, not of '{wanted}': {string.Join(", ", kept.Take(10))}{(kept.Count > 10 ? ", ..." : string.Empty)}.");
            }

            if (parse.GetValue(equityOut) is { } path)
            {
                await WriteCsvAsync(console, path, ["portfolio", "time", "equity", "drawdown"], curve.Select(r => (IReadOnlyList<string>)[Quote(r.Portfolio), r.Time.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture), Number(r.Equity), Number(r.Drawdown)]), cancellationToken);
                return;
            }

            var table = new Table().Title($"{wanted} in phase {name}").AddColumns("date (UTC)", "equity", "drawdown");
            foreach (var row in curve)
            {
                table.AddRow(row.Time.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), row.Equity.ToString("N2", CultureInfo.InvariantCulture), row.Drawdown.ToString("P2", CultureInfo.InvariantCulture));
            }

            console.Write(table);
        }));
        var reportOut = new Option<string?>("--out") { Description = "HTML file to write (default: the run's report.html in the store)." };
        var heatX = new Option<string?>("--x") { Description = "The grid heatmap's x parameter, e.g. momentum.fast (default: the parameter with the most values)." };
        var heatY = new Option<string?>("--y") { Description = "The grid heatmap's y parameter (default: the one with the next most values)." };
        var report = new Command("report", "Write a run's self-contained HTML report (its choice, equity and drawdown, leaderboards, grid heatmap, walk-forward windows, configuration) and print where.") { run, reportOut, heatX, heatY };
        report.SetAction((parse, cancellationToken) => CommandAction.RunAsync(console, parse, async () =>
        {
            var id = parse.GetValue(run)!;
            var store = Store(parse);
            var metadata = await new ResultsReader(store.Objects).ReadMetadataAsync(id, cancellationToken) ?? throw new ArgumentException($"There is no run '{id}' in {store.Root}.");
            var key = await new ResultsWriter(store.Objects).WriteReportAsync(id, metadata, parse.GetValue(heatX), parse.GetValue(heatY), cancellationToken);
            var path = Path.Combine(store.Root, key.Value);
            if (parse.GetValue(reportOut) is { } output)
            {
                File.Copy(path, output, overwrite: true);
                path = output;
            }

            console.MarkupLineInterpolated($"Report: [bold]{path}[/]");
        }));
        return new Command("results", "A run's results: top, export, equity, report.") { top, export, equity, report };
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

    private static async Task<(string Phase, IReadOnlyList<MetricsRow> Rows)> RowsAsync(ParseResult parse, Argument<string> run, Option<string?> phase, CancellationToken cancellationToken)
    {
        var id = parse.GetValue(run)!;
        var reader = new ResultsReader(Store(parse).Objects);
        var name = parse.GetValue(phase)
            ?? (await reader.ReadSummaryAsync(id, cancellationToken))?.Phases.LastOrDefault()?.Phase
            ?? throw new ArgumentException($"Run '{id}' has no summary; name a phase with --phase.");
        var rows = await reader.ReadMetricsAsync(id, name, cancellationToken) ?? throw new ArgumentException($"Run '{id}' has no phase '{name}'.");
        return (name, rows);
    }

    /// <summary>Writes CSV rows to <paramref name="path"/>, or to standard output for <c>-</c> (then the CSV is all that is printed).</summary>
    private static async Task WriteCsvAsync(
        IAnsiConsole console, string path, IReadOnlyList<string> header, IEnumerable<IReadOnlyList<string>> rows, CancellationToken cancellationToken, string what = "")
    {
        var toStdout = path == "-";
        await using var file = toStdout ? null : new StreamWriter(path);
        var writer = file ?? console.Profile.Out.Writer;
        await writer.WriteLineAsync(string.Join(',', header));
        var count = 0;
        foreach (var row in rows)
        {
            await writer.WriteLineAsync(string.Join(',', row));
            count++;
        }

        await writer.FlushAsync(cancellationToken);
        if (!toStdout)
        {
            console.MarkupLineInterpolated($"{count} rows {what}written to {path}.");
        }
    }

    private static LocalStore Store(ParseResult parse) => LocalStore.Open(parse.GetValue(SignalReplayCommandLine.Store)!);

    private static string Time(DateTimeOffset? time) => time?.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture) ?? "-";

    private static string Number(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    private static string Quote(string text) => $"\"{text.Replace("\"", "\"\"", StringComparison.Ordinal)}\"";
}
