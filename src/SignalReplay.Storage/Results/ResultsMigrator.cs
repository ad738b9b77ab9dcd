using System.Text.Json;
using SignalReplay.Core.Optimization;
using SignalReplay.Core.Portfolio;
using SignalReplay.Storage.Objects;
using SignalReplay.Storage.Parquet;

namespace SignalReplay.Storage.Results;

/// <summary>What a migration did: the runs converted and the runs already in the v2 layout.</summary>
public sealed record MigrationReport(IReadOnlyList<string> Migrated, IReadOnlyList<string> AlreadyMigrated);

/// <summary>
/// Converts results written in the v1 shape, one <c>results/{run}/results.json</c>, to the v2 layout of
/// SPEC 5 (seed "Data Migration Strategy"). The v1 shape:
/// <code>
/// { "metadata": { ...anything... },
///   "metrics": [ { "portfolio": "p1", "phase": "grid" (optional, default "v1"), "score": 1.2 (optional),
///                  "sharpe": 1.2, "total_return": 0.1, ... every SPEC 7 metric, numbers } ],
///   "trades":  [ { "portfolio": "p1", "phase": ..., "symbol": "SPY", "entry_time": ms, "exit_time": ms,
///                  "quantity": 1, "entry_price": 100, "exit_price": 101, "pnl": 1 } ] }
/// </code>
/// Metrics rows become metrics.parquet rows (ranked by score, else Sharpe, ties by portfolio id), trades
/// become trades.parquet rows, the v1 metadata object is kept whole in metadata.json's
/// <c>original_metadata</c>, and summary.json ranks each phase. Lossless for the fields above: every
/// number round-trips as a double. Idempotent: the same input writes the same bytes. The v1 file is kept.
/// Everything is read and checked before the first write, so a bad file leaves the run as it was.
/// </summary>
public sealed class ResultsMigrator(IObjectStore store)
{
    public async Task<MigrationReport> MigrateAllAsync(CancellationToken cancellationToken = default)
    {
        var migrated = new List<string>();
        var already = new List<string>();
        await foreach (var workflow in new ResultsReader(store).ListWorkflowsAsync(cancellationToken))
        {
            if (await store.ExistsAsync(ResultsLayout.V1Results(workflow), cancellationToken))
            {
                var wasMigrated = await store.ExistsAsync(ResultsLayout.Summary(workflow), cancellationToken);
                await MigrateAsync(workflow, cancellationToken);
                (wasMigrated ? already : migrated).Add(workflow);
            }
        }

        return new MigrationReport(migrated, already);
    }

    /// <summary>
    /// Writes the <see cref="RunIndex"/> entry of every run whose metadata.json has none (runs written before the
    /// index existed); returns how many. Reads every key under results/ once: run it at start, not per request.
    /// </summary>
    public async Task<int> IndexRunsAsync(CancellationToken cancellationToken = default)
    {
        var indexed = new HashSet<ObjectKey>();
        await foreach (var key in store.ListKeysAsync(RunIndex.Prefix, cancellationToken))
        {
            indexed.Add(key);
        }

        var (reader, writer, added) = (new ResultsReader(store), new ResultsWriter(store), 0);
        await foreach (var workflow in reader.ListWorkflowsAsync(cancellationToken))
        {
            if (await reader.ReadMetadataAsync(workflow, cancellationToken) is { } metadata && !indexed.Contains(RunIndex.KeyOf(workflow, metadata.CreatedAt)))
            {
                await writer.WriteIndexEntryAsync(workflow, metadata, cancellationToken);
                added++;
            }
        }

        return added;
    }

    public async Task MigrateAsync(string workflow, CancellationToken cancellationToken = default)
    {
        var key = ResultsLayout.V1Results(workflow);
        var v1 = Parse(key, await store.ReadAllBytesAsync(key, cancellationToken));
        var writer = new ResultsWriter(store);
        var phases = new List<PhaseSummary>();
        foreach (var phase in v1.Metrics.Select(m => m.Phase).Concat(v1.Trades.Select(t => t.Phase)).Distinct().Order(StringComparer.Ordinal))
        {
            var ranked = v1.Metrics.Where(m => m.Phase == phase)
                .OrderByDescending(m => m.Score).ThenBy(m => m.Portfolio, StringComparer.Ordinal)
                .Select(m => Outcome(m, v1.Trades.Where(t => t.Phase == phase && t.Portfolio == m.Portfolio).Select(t => t.Trade)))
                .ToList();
            await writer.WritePhaseAsync(workflow, phase, ranked, cancellationToken: cancellationToken);
            phases.Add(new PhaseSummary(
                phase, "v1", "v1 score", ranked.Count,
                [.. ranked.Take(10).Select((o, i) => new RankedPortfolio(i + 1, o.Config.Id, o.Candidate, o.Score, MetricsOf(o.Result.Metrics)))]));
        }

        var choice = phases.LastOrDefault()?.Best.FirstOrDefault();
        await writer.WriteSummaryAsync(
            workflow,
            new RunSummary(workflow, phases, choice is null ? null : new Choice(phases[^1].Phase, choice.Portfolio, choice.Candidate, choice.Score, choice.Metrics)),
            cancellationToken);
        await writer.WriteMetadataAsync(
            workflow,
            new RunMetadata(2, workflow, workflow, "migrated", string.Empty, null, string.Empty, new Dictionary<string, string> { ["results_layout"] = "2" },
                null, null, null, [], null, v1.Metadata, key.Value),
            cancellationToken);
    }

    private static PortfolioOutcome Outcome(V1Metrics row, IEnumerable<ClosedTrade> trades)
    {
        // The v1 portfolio is not a configuration we can rebuild: a placeholder config carries its id only.
        var config = new PortfolioConfig(row.Portfolio, [new StrategyAssignment(row.Portfolio, SeriesId.Parse("V1_1d"))], new FixedFractionSizing(1), ExecutionModel.Default, RiskLimits.None);
        var m = row.Values;
        var metrics = new PerformanceMetrics(m[0], m[1], m[2], m[3], m[4], m[5], m[6], m[7], (int)m[8], m[9], m[10], m[11]);
        return new PortfolioOutcome(config, row.Portfolio, new PortfolioResult(row.Portfolio, metrics, [.. trades], [], [], [], [], row.FinalEquity, 0, 0), row.Score);
    }

    private static IReadOnlyDictionary<string, double> MetricsOf(PerformanceMetrics metrics) =>
        PerformanceMetrics.Names.Select(name => KeyValuePair.Create(name, metrics.Get(name))).ToDictionary();

    private sealed record V1Metrics(string Phase, string Portfolio, double Score, double FinalEquity, double[] Values);

    private sealed record V1Trade(string Phase, string Portfolio, ClosedTrade Trade);

    private sealed record V1Results(JsonElement? Metadata, IReadOnlyList<V1Metrics> Metrics, IReadOnlyList<V1Trade> Trades);

    private static V1Results Parse(ObjectKey key, byte[] bytes)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(bytes);
        }
        catch (JsonException error)
        {
            throw new StoredDataException(key.Value, $"is not JSON (line {error.LineNumber + 1}): {error.Message}", error);
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("metrics", out var metrics) || metrics.ValueKind != JsonValueKind.Array)
            {
                throw new StoredDataException(key.Value, "has no 'metrics' array: it is not a v1 results.json.");
            }

            var rows = metrics.EnumerateArray().Select((row, i) => MetricsRow(key, row, $"metrics[{i}]")).ToList();
            var trades = root.TryGetProperty("trades", out var t) && t.ValueKind == JsonValueKind.Array
                ? t.EnumerateArray().Select((row, i) => TradeRow(key, row, $"trades[{i}]")).ToList()
                : [];
            return new V1Results(root.TryGetProperty("metadata", out var metadata) ? metadata.Clone() : null, rows, trades);
        }
    }

    private static V1Metrics MetricsRow(ObjectKey key, JsonElement row, string path)
    {
        var values = PerformanceMetrics.Names.Select(name => Number(key, row, path, name, fallback: 0)).ToArray();
        var sharpe = values[PerformanceMetrics.Names.ToList().IndexOf("sharpe")];
        return new V1Metrics(
            Text(key, row, path, "phase", "v1"),
            Text(key, row, path, "portfolio", null),
            Number(key, row, path, "score", sharpe),
            Number(key, row, path, "final_equity", double.NaN),
            values);
    }

    private static V1Trade TradeRow(ObjectKey key, JsonElement row, string path) => new(
        Text(key, row, path, "phase", "v1"),
        Text(key, row, path, "portfolio", null),
        new ClosedTrade(
            Text(key, row, path, "symbol", null),
            (long)Number(key, row, path, "entry_time", null),
            (long)Number(key, row, path, "exit_time", null),
            Number(key, row, path, "quantity", null),
            Number(key, row, path, "entry_price", null),
            Number(key, row, path, "exit_price", null),
            Number(key, row, path, "pnl", null)));

    private static string Text(ObjectKey key, JsonElement row, string path, string name, string? fallback) =>
        row.TryGetProperty(name, out var value)
            ? value.ValueKind == JsonValueKind.String ? value.GetString()! : throw new StoredDataException(key.Value, $"{path}.{name} is not a string.")
            : fallback ?? throw new StoredDataException(key.Value, $"{path} has no '{name}'.");

    private static double Number(ObjectKey key, JsonElement row, string path, string name, double? fallback) =>
        row.TryGetProperty(name, out var value)
            ? value.ValueKind == JsonValueKind.Number ? value.GetDouble() : throw new StoredDataException(key.Value, $"{path}.{name} is not a number ({value.ValueKind}).")
            : fallback ?? throw new StoredDataException(key.Value, $"{path} has no '{name}'.");
}
