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
/// After the fixed columns come the run's strategy parameters, one nullable column each (<c>momentum.fast</c>: the value in the
/// portfolio's strategy instance, null where it trades no such strategy), so a heatmap is a <c>GROUP BY</c>.
/// </summary>
public sealed class PhaseMetricsWriter : IAsyncDisposable
{
    /// <summary>Rows per row group.</summary>
    public const int RowGroupRows = 65_536;

    private static readonly DataField<int> Rank = new("rank");

    private readonly ParameterColumns _parameters;
    private readonly ParquetSpill _spill;
    private readonly List<PortfolioOutcome> _buffer = [];
    private readonly List<int> _groupRows = [];

    /// <param name="parameters">The parameter columns (<c>strategy.parameter</c>), in file order.</param>
    public PhaseMetricsWriter(IReadOnlyList<string>? parameters = null)
    {
        _parameters = new ParameterColumns(parameters ?? []);
        _spill = new ParquetSpill("metrics", Schema(withRank: false, _parameters), PhaseParquet.MetricsSchema);
    }

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
        await using var final = new ParquetSpill("metrics-ranked", Schema(withRank: true, _parameters), PhaseParquet.MetricsSchema);
        if (await _spill.FinishAsync() is { } spilled)
        {
            await CopyWithRanksAsync(spilled, final, ranks, cancellationToken);
        }
        else
        {
            await final.WriteGroupAsync(empty => WriteRowsAsync(empty, [], [], _parameters, cancellationToken), cancellationToken);
        }

        await store.PutAsync(key, (await final.FinishAsync())!, ResultsLayout.Tagged(key), cancellationToken);
    }

    /// <summary>Writes <paramref name="rows"/> (already in rank order) as one file: the shape for a phase whose rows are all in memory.</summary>
    public static async Task WriteAsync(IReadOnlyList<PortfolioOutcome> rows, Stream output, IReadOnlyList<string> parameters, CancellationToken cancellationToken)
    {
        var columns = new ParameterColumns(parameters);
        await using var writer = await ParquetTable.CreateWriterAsync(output, Schema(withRank: true, columns), PhaseParquet.MetricsSchema, new Dictionary<string, string>(), cancellationToken);
        using var group = writer.CreateRowGroup();
        await WriteRowsAsync(group, rows, [.. Enumerable.Range(1, rows.Count)], columns, cancellationToken);
    }

    public ValueTask DisposeAsync() => _spill.DisposeAsync();

    private static ParquetSchema Schema(bool withRank, ParameterColumns parameters) =>
        new([.. withRank ? [Rank] : Array.Empty<Field>(), .. PhaseColumn.Metrics.Select(c => c.Field), .. parameters.Fields]);

    private static async Task WriteRowsAsync(ParquetRowGroupWriter group, IReadOnlyList<PortfolioOutcome> rows, int[] ranks, ParameterColumns parameters, CancellationToken cancellationToken)
    {
        await group.WriteAsync<int>(Rank, ranks, cancellationToken: cancellationToken);
        foreach (var column in PhaseColumn.Metrics)
        {
            await column.WriteAsync(group, rows, cancellationToken);
        }

        await parameters.WriteAsync(group, rows, cancellationToken);
    }

    private async Task FlushAsync(CancellationToken cancellationToken)
    {
        if (_buffer.Count == 0)
        {
            return;
        }

        await _spill.WriteGroupAsync(async group =>
        {
            foreach (var column in PhaseColumn.Metrics)
            {
                await column.WriteAsync(group, _buffer, cancellationToken);
            }

            await _parameters.WriteAsync(group, _buffer, cancellationToken);
        }, cancellationToken);
        _groupRows.Add(_buffer.Count);
        _buffer.Clear();
    }

    private async Task CopyWithRanksAsync(Stream spilled, ParquetSpill final, int[] ranks, CancellationToken cancellationToken)
    {
        await using var reader = await ParquetReader.CreateAsync(spilled, leaveStreamOpen: true, cancellationToken: cancellationToken);
        var first = 0;
        for (var g = 0; g < reader.RowGroupCount; g++)
        {
            using var from = reader.OpenRowGroupReader(g);
            var rows = _groupRows[g];
            var start = first;
            await final.WriteGroupAsync(async to =>
            {
                await to.WriteAsync<int>(Rank, ranks.AsMemory(start, rows), cancellationToken: cancellationToken);
                foreach (var column in PhaseColumn.Metrics)
                {
                    await column.CopyAsync(from, to, rows, cancellationToken);
                }

                await _parameters.CopyAsync(from, to, rows, cancellationToken);
            }, cancellationToken);
            first += rows;
        }
    }
}

/// <summary>
/// The per-parameter columns of a metrics file: each row's values read from its strategy instance ids, each id parsed once
/// (a million rows share their ten thousand instances).
/// </summary>
internal sealed class ParameterColumns(IReadOnlyList<string> names)
{
    private readonly Dictionary<string, Dictionary<string, double>> _byInstances = new(StringComparer.Ordinal);

    public IReadOnlyList<DataField<double?>> Fields { get; } = [.. names.Select(name => new DataField<double?>(name))];

    public async Task WriteAsync(ParquetRowGroupWriter group, IReadOnlyList<PortfolioOutcome> rows, CancellationToken cancellationToken)
    {
        if (Fields.Count == 0)
        {
            return;
        }

        var values = rows.Select(Of).ToList();
        foreach (var field in Fields)
        {
            await group.WriteAsync<double>(field, values.Select(v => v.TryGetValue(field.Name, out var value) ? value : (double?)null).ToArray(), cancellationToken: cancellationToken);
        }
    }

    public async Task CopyAsync(ParquetRowGroupReader from, ParquetRowGroupWriter to, int rows, CancellationToken cancellationToken)
    {
        foreach (var field in Fields)
        {
            var values = new double?[rows];
            await from.ReadAsync(field, values.AsMemory(), cancellationToken: cancellationToken);
            await to.WriteAsync<double>(field, values, cancellationToken: cancellationToken);
        }
    }

    private Dictionary<string, double> Of(PortfolioOutcome row)
    {
        var key = row.Config.Assignments is [var only] ? only.StrategyInstance : string.Join('\n', row.Config.Assignments.Select(a => a.StrategyInstance));
        if (!_byInstances.TryGetValue(key, out var values))
        {
            values = ParameterPath.Parameters(row.Config.Assignments.Select(a => a.StrategyInstance));
            _byInstances[key] = values;
        }

        return values;
    }
}
