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
    public async Task<IReadOnlyList<MetricsRow>?> ReadMetricsAsync(string workflow, string phase, CancellationToken cancellationToken = default)
    {
        var key = ResultsLayout.Metrics(workflow, phase);
        if (!await store.ExistsAsync(key, cancellationToken))
        {
            return null;
        }

        using var buffer = new MemoryStream(await store.ReadAllBytesAsync(key, cancellationToken));
        return await PhaseParquet.ReadMetricsAsync(buffer, key.Value, cancellationToken);
    }

    /// <summary>A phase's trades, or null when the phase has no trades.parquet.</summary>
    public async Task<IReadOnlyList<TradeRow>?> ReadTradesAsync(string workflow, string phase, CancellationToken cancellationToken = default)
    {
        var key = ResultsLayout.Trades(workflow, phase);
        if (!await store.ExistsAsync(key, cancellationToken))
        {
            return null;
        }

        using var buffer = new MemoryStream(await store.ReadAllBytesAsync(key, cancellationToken));
        return await PhaseParquet.ReadTradesAsync(buffer, key.Value, cancellationToken);
    }

    /// <summary>A phase's day-end equity rows, or null when the phase has none (runs before equity.parquet existed).</summary>
    public async Task<IReadOnlyList<EquityRow>?> ReadEquityAsync(string workflow, string phase, CancellationToken cancellationToken = default)
    {
        var key = ResultsLayout.Equity(workflow, phase);
        if (!await store.ExistsAsync(key, cancellationToken))
        {
            return null;
        }

        using var buffer = new MemoryStream(await store.ReadAllBytesAsync(key, cancellationToken));
        return await PhaseParquet.ReadEquityAsync(buffer, key.Value, cancellationToken);
    }

    private async Task<T?> ReadJsonAsync<T>(ObjectKey key, CancellationToken cancellationToken)
        where T : class =>
        (await store.ReadJsonAsync<T>(key, ResultsJson.Options, typeof(T).Name, cancellationToken))?.Document;
}
