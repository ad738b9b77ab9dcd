using SignalReplay.Core.Portfolio;
using SignalReplay.Storage.Objects;

namespace SignalReplay.Storage.Results;

/// <summary>
/// The <c>trades.parquet</c> of a phase that stores every portfolio's trades (<c>store_trades: all</c>), written as
/// the phase runs: each portfolio's trades arrive in plan order and go to a local spill file in row groups of
/// <see cref="RowGroupRows"/> trades, which is stored whole once the phase is done. Memory holds one row group,
/// however many trades the phase makes.
/// </summary>
public sealed class PhaseTradesWriter : IAsyncDisposable
{
    /// <summary>Trades per row group.</summary>
    public const int RowGroupRows = 65_536;

    private readonly ParquetSpill _spill = new("trades", PhaseParquet.TradesColumns, PhaseParquet.TradesSchema);
    private readonly List<(string Portfolio, ClosedTrade Trade)> _buffer = [];
    private bool _written;

    /// <summary>Trades appended so far.</summary>
    public long Rows { get; private set; }

    /// <summary>Appends a portfolio's closed trades (portfolios in plan order).</summary>
    public async Task AppendAsync(string portfolio, IReadOnlyList<ClosedTrade> trades, CancellationToken cancellationToken = default)
    {
        foreach (var trade in trades)
        {
            _buffer.Add((portfolio, trade));
            Rows++;
            if (_buffer.Count == RowGroupRows)
            {
                await FlushAsync(cancellationToken);
            }
        }
    }

    /// <summary>Writes the file under <paramref name="key"/> of <paramref name="store"/>: every trade in the order appended.</summary>
    public async Task StoreAsync(IObjectStore store, ObjectKey key, CancellationToken cancellationToken = default)
    {
        if (_buffer.Count > 0 || !_written)
        {
            await FlushAsync(cancellationToken);
        }

        await store.PutAsync(key, (await _spill.FinishAsync())!, ResultsLayout.Tagged(key), cancellationToken);
    }

    public ValueTask DisposeAsync() => _spill.DisposeAsync();

    private async Task FlushAsync(CancellationToken cancellationToken)
    {
        await _spill.WriteGroupAsync(group => PhaseParquet.WriteTradesAsync(group, _buffer, cancellationToken), cancellationToken);
        _written = true;
        _buffer.Clear();
    }
}
