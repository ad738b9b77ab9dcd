using Parquet;
using Parquet.Schema;
using SignalReplay.Core.Optimization;
using SignalReplay.Core.Portfolio;
using SignalReplay.Storage.Parquet;

namespace SignalReplay.Storage.Results;

/// <summary>
/// <c>metrics.parquet</c> (one row per portfolio: rank, ids, score, every parameter, every SPEC 7 metric)
/// and <c>trades.parquet</c> (one row per closed trade) of a phase.
/// </summary>
public static class PhaseParquet
{
    /// <summary>2: rows in plan order (as phases stream them) with their rank; 1 wrote them in rank order.</summary>
    public static readonly FileSchema MetricsSchema = new("phase_metrics", 2);
    public static readonly FileSchema TradesSchema = new("phase_trades", 1);

    private static readonly DataField<int> Rank = new("rank");
    private static readonly DataField<string> Portfolio = new("portfolio", false);
    private static readonly DataField<string> Candidate = new("candidate", false);
    private static readonly DataField<double> Score = new("score");

    private static readonly DataField<string> TradePortfolio = new("portfolio", false);
    private static readonly DataField<string> Symbol = new("symbol", false);
    private static readonly DataField<long>[] Times = [new("entry_time"), new("exit_time")];
    private static readonly DataField<double>[] Numbers = [.. new[] { "quantity", "entry_price", "exit_price", "pnl", "return" }.Select(n => new DataField<double>(n))];
    private static readonly Func<ClosedTrade, double>[] NumberOf = [t => t.Quantity, t => t.EntryPrice, t => t.ExitPrice, t => t.Pnl, t => t.Return];
    private static readonly DataField<string>[] Regimes = [new("regime_at_open", true), new("regime_at_close", true)];

    /// <summary>The columns of trades.parquet.</summary>
    public static ParquetSchema TradesColumns { get; } = new([TradePortfolio, Symbol, .. Times, .. Numbers, .. Regimes]);

    /// <summary>The trades of <paramref name="kept"/> portfolios (in their order) as one file.</summary>
    public static Task WriteTradesAsync(IReadOnlyList<PortfolioOutcome> kept, Stream output, CancellationToken cancellationToken)
    {
        var rows = kept.SelectMany(o => o.Result.Trades.Select(t => (o.Config.Id, t))).ToArray();
        return ParquetTable.WriteAsync(output, TradesColumns, TradesSchema, new Dictionary<string, string>(), group => WriteTradesAsync(group, rows, cancellationToken), cancellationToken);
    }

    /// <summary>One row group of trades.parquet: each row a portfolio's id and one of its closed trades.</summary>
    public static async Task WriteTradesAsync(ParquetRowGroupWriter group, IReadOnlyList<(string Portfolio, ClosedTrade Trade)> rows, CancellationToken cancellationToken)
    {
        await group.WriteAsync(TradePortfolio, rows.Select(r => r.Portfolio).ToArray()!);
        await group.WriteAsync(Symbol, rows.Select(r => r.Trade.Symbol).ToArray()!);
        await group.WriteAsync<long>(Times[0], rows.Select(r => r.Trade.EntryTime).ToArray(), cancellationToken: cancellationToken);
        await group.WriteAsync<long>(Times[1], rows.Select(r => r.Trade.ExitTime).ToArray(), cancellationToken: cancellationToken);
        for (var c = 0; c < Numbers.Length; c++)
        {
            await group.WriteAsync<double>(Numbers[c], rows.Select(r => NumberOf[c](r.Trade)).ToArray(), cancellationToken: cancellationToken);
        }

        await group.WriteAsync(Regimes[0], rows.Select(r => r.Trade.RegimeAtOpen).ToArray()!);
        await group.WriteAsync(Regimes[1], rows.Select(r => r.Trade.RegimeAtClose).ToArray()!);
    }

    /// <summary>The rows of a metrics file in rank order: ids, score and every SPEC 7 metric.</summary>
    public static Task<IReadOnlyList<MetricsRow>> ReadMetricsAsync(Stream input, string source, CancellationToken cancellationToken) =>
        ParquetTable.ReadAsync(input, source, MetricsSchema, async file =>
        {
            var rank = await file.ReadColumnAsync<int>(file.RequireField(Rank.Name));
            var portfolio = await file.ReadStringColumnAsync(file.RequireField(Portfolio.Name));
            var candidate = await file.ReadStringColumnAsync(file.RequireField(Candidate.Name));
            var score = await file.ReadColumnAsync<double>(file.RequireField(Score.Name));
            var equity = await file.ReadColumnAsync<double>(file.RequireField("final_equity"));
            var metrics = new List<double[]>();
            foreach (var name in PerformanceMetrics.Names)
            {
                metrics.Add(await file.ReadColumnAsync<double>(file.RequireField(name)));
            }

            return (IReadOnlyList<MetricsRow>)
            [
                .. rank.Select((r, i) => new MetricsRow(
                    r, portfolio[i]!, candidate[i]!, score[i], equity[i],
                    PerformanceMetrics.Names.Select((name, m) => KeyValuePair.Create(name, metrics[m][i])).ToDictionary()))
                    .OrderBy(row => row.Rank),
            ];
        }, cancellationToken);
}

/// <summary>One row of a phase's metrics.parquet, for leaderboards.</summary>
public sealed record MetricsRow(int Rank, string Portfolio, string Candidate, double Score, double FinalEquity, IReadOnlyDictionary<string, double> Metrics);
