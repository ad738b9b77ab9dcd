using System.Text.Json;
using SignalReplay.Storage.Objects;
using SignalReplay.Storage.Parquet;

namespace SignalReplay.Storage.Results;

/// <summary>Reads runs back from the results layout; absent objects are null, corrupt ones a <see cref="StoredDataException"/> naming the file.</summary>
public sealed class ResultsReader(IObjectStore store)
{
    /// <summary>Every run id under <c>results/</c>, in ordinal order.</summary>
    public async IAsyncEnumerable<string> ListWorkflowsAsync([System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        string? last = null;
        await foreach (var key in store.ListKeysAsync(ResultsLayout.Root, cancellationToken))
        {
            var workflow = key.Value[ResultsLayout.Root.Length..].Split('/')[0];
            if (workflow != last && DataLayout.Name.IsValid(workflow)) // not the run index
            {
                last = workflow;
                yield return workflow;
            }
        }
    }

    public Task<RunMetadata?> ReadMetadataAsync(string workflow, CancellationToken cancellationToken = default) =>
        ReadJsonAsync<RunMetadata>(ResultsLayout.Metadata(workflow), cancellationToken);

    public Task<RunSummary?> ReadSummaryAsync(string workflow, CancellationToken cancellationToken = default) =>
        ReadJsonAsync<RunSummary>(ResultsLayout.Summary(workflow), cancellationToken);

    /// <summary>A phase's metrics rows in rank order, or null when the phase has none.</summary>
    public Task<IReadOnlyList<MetricsRow>?> ReadMetricsAsync(string workflow, string phase, CancellationToken cancellationToken = default) =>
        ReadParquetAsync(ResultsLayout.Metrics(workflow, phase), PhaseParquet.ReadMetricsAsync, cancellationToken);

    /// <summary>A phase's trades, or null when the phase has no trades.parquet.</summary>
    public Task<IReadOnlyList<TradeRow>?> ReadTradesAsync(string workflow, string phase, CancellationToken cancellationToken = default) =>
        ReadParquetAsync(ResultsLayout.Trades(workflow, phase), PhaseParquet.ReadTradesAsync, cancellationToken);

    /// <summary>A phase's day-end equity rows, or null when the phase has none (runs before equity.parquet existed).</summary>
    public Task<IReadOnlyList<EquityRow>?> ReadEquityAsync(string workflow, string phase, CancellationToken cancellationToken = default) =>
        ReadParquetAsync(ResultsLayout.Equity(workflow, phase), PhaseParquet.ReadEquityAsync, cancellationToken);

    /// <summary>A phase file's bytes as a seekable stream (for <see cref="PhaseFileExport"/>), or null when the phase has none.</summary>
    public async Task<Stream?> OpenAsync(string workflow, string phase, PhaseFile file, CancellationToken cancellationToken = default)
    {
        var key = PhaseFileExport.Key(workflow, phase, file);
        return await store.ExistsAsync(key, cancellationToken) ? new MemoryStream(await store.ReadAllBytesAsync(key, cancellationToken), writable: false) : null;
    }

    /// <summary>One Parquet object of the results, parsed; null when it does not exist.</summary>
    private async Task<IReadOnlyList<T>?> ReadParquetAsync<T>(
        ObjectKey key, Func<Stream, string, CancellationToken, Task<IReadOnlyList<T>>> parse, CancellationToken cancellationToken)
    {
        if (!await store.ExistsAsync(key, cancellationToken))
        {
            return null;
        }

        using var buffer = new MemoryStream(await store.ReadAllBytesAsync(key, cancellationToken));
        return await parse(buffer, key.Value, cancellationToken);
    }

    private async Task<T?> ReadJsonAsync<T>(ObjectKey key, CancellationToken cancellationToken)
        where T : class =>
        (await store.ReadJsonAsync<T>(key, ResultsJson.Options, typeof(T).Name, cancellationToken))?.Document;
}
