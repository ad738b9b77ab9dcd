using Parquet;
using Parquet.Schema;
using SignalReplay.Core.Optimization;
using SignalReplay.Storage.Objects;
using SignalReplay.Storage.Parquet;

namespace SignalReplay.Storage.Results;

/// <summary>
/// A phase's <c>metrics.parquet</c> written as the phase runs: rows arrive in plan order (shard after shard)
/// and go to a local spill file in row groups of <see cref="RowGroupRows"/>; once every row is in and the
/// ranks are known, the file is rewritten with its <c>rank</c> column and stored. Memory holds one row group,
/// however many portfolios the phase has; the rows stay in plan order, so <c>ORDER BY rank</c> ranks them.
/// </summary>
public sealed class PhaseMetricsWriter : IAsyncDisposable
{
    /// <summary>Rows per row group.</summary>
    public const int RowGroupRows = 65_536;

    private static readonly DataField<int> Rank = new("rank");

    private readonly string _spillPath = Path.Combine(Path.GetTempPath(), $"signalreplay-metrics-{Guid.NewGuid():N}.parquet");
    private readonly List<PortfolioOutcome> _buffer = [];
    private readonly List<int> _groupRows = [];
    private FileStream? _spill;
    private ParquetWriter? _writer;

    /// <summary>Rows appended so far.</summary>
    public int Rows { get; private set; }

    /// <summary>Appends one portfolio's row (in plan order).</summary>
    public async Task AppendAsync(PortfolioOutcome row, CancellationToken cancellationToken = default)
    {
        _buffer.Add(row);
        Rows++;
        if (_buffer.Count == RowGroupRows)
        {
            await FlushAsync(cancellationToken);
        }
    }

    /// <summary>
    /// Writes the final file under <paramref name="key"/> of <paramref name="store"/>: every row in the order appended,
    /// with <paramref name="ranks"/> (row i's rank, 1-based) as its first column.
    /// </summary>
    public async Task StoreAsync(IObjectStore store, ObjectKey key, int[] ranks, CancellationToken cancellationToken = default)
    {
        if (ranks.Length != Rows)
        {
            throw new ArgumentException($"{key}: {ranks.Length} ranks for {Rows} rows.");
        }

        await FlushAsync(cancellationToken);
        if (_writer is not null)
        {
            await _writer.DisposeAsync();
            _writer = null;
        }

        var finalPath = _spillPath + ".final";
        try
        {
            await using (var final = File.Create(finalPath))
            {
                await using var writer = await ParquetTable.CreateWriterAsync(final, Schema(withRank: true), PhaseParquet.MetricsSchema, new Dictionary<string, string>(), cancellationToken);
                if (Rows == 0)
                {
                    using var empty = writer.CreateRowGroup();
                    await WriteRowsAsync(empty, [], [], cancellationToken);
                }
                else
                {
                    await CopyWithRanksAsync(writer, ranks, cancellationToken);
                }
            }

            await using var content = File.OpenRead(finalPath);
            await store.PutAsync(key, content, ResultsLayout.Tagged(key), cancellationToken);
        }
        finally
        {
            File.Delete(finalPath);
        }
    }

    /// <summary>Writes <paramref name="rows"/> (already in rank order) as one file: the shape for a phase whose rows are all in memory.</summary>
    public static async Task WriteAsync(IReadOnlyList<PortfolioOutcome> rows, Stream output, CancellationToken cancellationToken)
    {
        await using var writer = await ParquetTable.CreateWriterAsync(output, Schema(withRank: true), PhaseParquet.MetricsSchema, new Dictionary<string, string>(), cancellationToken);
        using var group = writer.CreateRowGroup();
        await WriteRowsAsync(group, rows, [.. Enumerable.Range(1, rows.Count)], cancellationToken);
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

    private static ParquetSchema Schema(bool withRank) =>
        new([.. withRank ? [Rank] : Array.Empty<Field>(), .. PhaseColumn.Metrics.Select(c => c.Field)]);

    private static async Task WriteRowsAsync(ParquetRowGroupWriter group, IReadOnlyList<PortfolioOutcome> rows, int[] ranks, CancellationToken cancellationToken)
    {
        await group.WriteAsync<int>(Rank, ranks, cancellationToken: cancellationToken);
        foreach (var column in PhaseColumn.Metrics)
        {
            await column.WriteAsync(group, rows, cancellationToken);
        }
    }

    private async Task FlushAsync(CancellationToken cancellationToken)
    {
        if (_buffer.Count == 0)
        {
            return;
        }

        if (_writer is null)
        {
            _spill = File.Create(_spillPath);
            _writer = await ParquetTable.CreateWriterAsync(_spill, Schema(withRank: false), PhaseParquet.MetricsSchema, new Dictionary<string, string>(), cancellationToken);
        }

        using (var group = _writer.CreateRowGroup())
        {
            foreach (var column in PhaseColumn.Metrics)
            {
                await column.WriteAsync(group, _buffer, cancellationToken);
            }
        }

        _groupRows.Add(_buffer.Count);
        _buffer.Clear();
    }

    private async Task CopyWithRanksAsync(ParquetWriter writer, int[] ranks, CancellationToken cancellationToken)
    {
        _spill!.Position = 0;
        await using var reader = await ParquetReader.CreateAsync(_spill, leaveStreamOpen: true, cancellationToken: cancellationToken);
        var first = 0;
        for (var g = 0; g < reader.RowGroupCount; g++)
        {
            using var from = reader.OpenRowGroupReader(g);
            var rows = _groupRows[g];
            using var to = writer.CreateRowGroup();
            await to.WriteAsync<int>(Rank, ranks.AsMemory(first, rows), cancellationToken: cancellationToken);
            foreach (var column in PhaseColumn.Metrics)
            {
                await column.CopyAsync(from, to, rows, cancellationToken);
            }

            first += rows;
        }
    }
}
