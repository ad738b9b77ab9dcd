using System.IO.Compression;
using System.Text;
using System.Text.Json;
using Parquet.Schema;
using SignalReplay.Core.Optimization;
using SignalReplay.Core.Portfolio;
using SignalReplay.Storage.Objects;
using SignalReplay.Storage.Parquet;

namespace SignalReplay.Storage.Results;

/// <summary>
/// Writes a run's results in the layout of SPEC 5/9, each object whole (the store's puts are atomic) and
/// tagged with its retention class. The same outcomes always give the same bytes.
/// </summary>
public sealed class ResultsWriter(IObjectStore store)
{
    /// <summary>
    /// A whole phase whose outcomes are all in memory, in rank order: its metrics (with <paramref name="parameters"/> columns,
    /// <c>strategy.parameter</c>), trades and events.
    /// </summary>
    public async Task WritePhaseAsync(string workflow, string phase, IReadOnlyList<PortfolioOutcome> ranked, IReadOnlyList<string>? parameters = null, CancellationToken cancellationToken = default)
    {
        await PutAsync(ResultsLayout.Metrics(workflow, phase), output => PhaseMetricsWriter.WriteAsync(ranked, output, parameters ?? [], cancellationToken), cancellationToken);
        await WriteDetailAsync(workflow, phase, ranked, cancellationToken: cancellationToken);
    }

    /// <summary>
    /// The trades (<c>trades.parquet</c>), day-end equity (<c>equity.parquet</c>) and event traces of the portfolios a phase kept whole (by default its best;
    /// its metrics are streamed by <see cref="PhaseMetricsWriter"/>, and a phase that stores every portfolio's trades
    /// streams them with <see cref="PhaseTradesWriter"/>: then <paramref name="trades"/> is false).
    /// </summary>
    public async Task WriteDetailAsync(string workflow, string phase, IReadOnlyList<PortfolioOutcome> kept, bool trades = true, CancellationToken cancellationToken = default)
    {
        if (trades)
        {
            await PutAsync(ResultsLayout.Trades(workflow, phase), output => PhaseParquet.WriteTradesAsync(kept, output, cancellationToken), cancellationToken);
        }

        await PutAsync(ResultsLayout.Equity(workflow, phase), output => PhaseParquet.WriteEquityAsync(kept, output, cancellationToken), cancellationToken);

        foreach (var outcome in kept.Where(o => o.Result.Events.Count > 0))
        {
            await PutAsync(ResultsLayout.Events(workflow, phase, outcome.Config.Id), output => WriteEventsAsync(outcome.Result.Events, output), cancellationToken);
        }
    }

    /// <summary>A run's metadata.json, then its entry in the <see cref="RunIndex"/>.</summary>
    public async Task WriteMetadataAsync(string workflow, RunMetadata metadata, CancellationToken cancellationToken = default)
    {
        await PutJsonAsync(ResultsLayout.Metadata(workflow), metadata, cancellationToken);
        await WriteIndexEntryAsync(workflow, metadata, cancellationToken);
    }

    /// <summary>The <see cref="RunIndex"/> entry of a run, from its metadata.</summary>
    public Task WriteIndexEntryAsync(string workflow, RunMetadata metadata, CancellationToken cancellationToken = default) =>
        PutJsonAsync(RunIndex.KeyOf(workflow, metadata.CreatedAt), RunIndexEntry.Of(metadata), cancellationToken);

    public Task WriteSummaryAsync(string workflow, RunSummary summary, CancellationToken cancellationToken = default) =>
        PutJsonAsync(ResultsLayout.Summary(workflow), summary, cancellationToken);

    /// <summary>
    /// report.html of a run whose summary is written, from <paramref name="metadata"/>, its summary and the day-end equity and
    /// trades its last phase kept; returns its key.
    /// </summary>
    /// <param name="workflow">The run.</param>
    /// <param name="metadata">Its metadata (the report shows its status and configuration).</param>
    /// <param name="x">The grid heatmap's x parameter (<c>momentum.fast</c>); by default the one with the most values.</param>
    /// <param name="y">Its y parameter; by default the one with the next most.</param>
    /// <param name="cancellationToken">Stops the reads and the write.</param>
    public async Task<ObjectKey> WriteReportAsync(string workflow, RunMetadata metadata, string? x = null, string? y = null, CancellationToken cancellationToken = default)
    {
        var html = await BuildReportAsync(workflow, metadata, x, y, cancellationToken);
        var key = ResultsLayout.Report(workflow);
        await store.PutBytesAsync(key, Encoding.UTF8.GetBytes(html), ResultsLayout.Tagged(key), cancellationToken);
        return key;
    }

    /// <summary>The run's report page, made from its summary and phase files (its heatmap over <paramref name="x"/> and <paramref name="y"/>), not stored.</summary>
    public async Task<string> BuildReportAsync(string workflow, RunMetadata metadata, string? x = null, string? y = null, CancellationToken cancellationToken = default)
    {
        var reader = new ResultsReader(store);
        var summary = await reader.ReadSummaryAsync(workflow, cancellationToken)
            ?? throw new ArgumentException($"Run '{workflow}' has no summary.json yet: a report is made from it.");
        IReadOnlyList<IReadOnlyList<EquityRow>> curves = [];
        IReadOnlyList<TradeRow> trades = [];
        var grid = summary.Phases.FirstOrDefault(p => p.Kind == "grid");
        var gridRows = grid is null ? null : await reader.ReadMetricsAsync(workflow, grid.Phase, cancellationToken) ?? [];
        if (summary.Choice is { } choice)
        {
            // A grid's metrics are read once: they may be a million rows.
            var rows = choice.Phase == grid?.Phase ? gridRows! : await reader.ReadMetricsAsync(workflow, choice.Phase, cancellationToken) ?? [];
            var portfolios = RunReport.ChoicePortfolios(choice, rows);
            curves = RunReport.Curves(portfolios, await reader.ReadEquityAsync(workflow, choice.Phase, cancellationToken) ?? []);
            trades = RunReport.Trades(portfolios, await reader.ReadTradesAsync(workflow, choice.Phase, cancellationToken) ?? []);
        }

        var heatmap = grid is null ? null : GridHeatmap.Of(grid.Phase, gridRows!, x, y);
        var market = await MarketContext.ReadAsync(store, metadata, summary, curves, cancellationToken);
        return RunReport.Html(metadata, summary, curves, trades, heatmap, market);
    }

    private Task PutJsonAsync<T>(ObjectKey key, T document, CancellationToken cancellationToken) =>
        store.PutBytesAsync(key, JsonSerializer.SerializeToUtf8Bytes(document, ResultsJson.Options), ResultsLayout.Tagged(key), cancellationToken);

    private async Task PutAsync(ObjectKey key, Func<Stream, Task> write, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        await write(buffer);
        await store.PutBytesAsync(key, buffer.GetBuffer().AsMemory(0, (int)buffer.Length), ResultsLayout.Tagged(key), cancellationToken);
    }

    /// <summary>
    /// One JSON object per line, gzipped; <c>time</c> an ISO 8601 UTC instant (as the Parquet files' TIMESTAMPs, so DuckDB's
    /// <c>read_json</c> types it as one). .NET writes a constant gzip header (no name, no time), so the bytes are stable.
    /// </summary>
    private static async Task WriteEventsAsync(IReadOnlyList<TraceEvent> events, Stream output)
    {
        await using var gzip = new GZipStream(output, CompressionLevel.Optimal, leaveOpen: true);
        await using var text = new StreamWriter(gzip, new UTF8Encoding(false)) { NewLine = "\n" };
        foreach (var e in events)
        {
            await text.WriteLineAsync(JsonSerializer.Serialize(
                new { kind = e.Kind, time = PhaseFileExport.Iso(DateTime.UnixEpoch.AddMilliseconds(e.Time)), symbol = e.Symbol, quantity = e.Quantity, price = e.Price, detail = e.Detail }, ResultsJson.Compact));
        }
    }
}
