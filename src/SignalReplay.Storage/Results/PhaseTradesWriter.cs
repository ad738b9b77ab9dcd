using Parquet;
using SignalReplay.Core.Portfolio;
using SignalReplay.Storage.Objects;
using SignalReplay.Storage.Parquet;

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

    private readonly string _spillPath = Path.Combine(Path.GetTempPath(), $"signalreplay-trades-{Guid.NewGuid():N}.parquet");
    private readonly List<(string Portfolio, ClosedTrade Trade)> _buffer = [];
    private FileStream? _spill;
    private ParquetWriter? _writer;

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
        if (_writer is null || _buffer.Count > 0)
        {
            await FlushAsync(cancellationToken, always: true);
        }

        await _writer!.DisposeAsync();
        _writer = null;
        _spill!.Position = 0;
        await store.PutAsync(key, _spill, ResultsLayout.Tagged(key), cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        if (_writer is not null)
        {
            await _writer.DisposeAsync();
        }

        if (_spill is not null)
        {
            await _spill.DisposeAsync();
        }

        File.Delete(_spillPath);
    }

    private async Task FlushAsync(CancellationToken cancellationToken, bool always = false)
    {
        if (_buffer.Count == 0 && !always)
        {
            return;
        }

        if (_writer is null)
        {
            _spill = new FileStream(_spillPath, FileMode.Create, FileAccess.ReadWrite, FileShare.None);
            _writer = await ParquetTable.CreateWriterAsync(_spill, PhaseParquet.TradesColumns, PhaseParquet.TradesSchema, new Dictionary<string, string>(), cancellationToken);
        }

        using (var group = _writer.CreateRowGroup())
        {
            await PhaseParquet.WriteTradesAsync(group, _buffer, cancellationToken);
        }

        _buffer.Clear();
    }
}
