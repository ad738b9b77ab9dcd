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

    public static Task WriteTradesAsync(IReadOnlyList<PortfolioOutcome> ranked, Stream output, CancellationToken cancellationToken)
    {
        var rows = ranked.SelectMany(o => o.Result.Trades.Select(t => (Portfolio: o.Config.Id, Trade: t))).ToArray();
        var portfolio = new DataField<string>("portfolio", false);
        var symbol = new DataField<string>("symbol", false);
        var times = new[] { new DataField<long>("entry_time"), new DataField<long>("exit_time") };
        var numbers = new[] { "quantity", "entry_price", "exit_price", "pnl", "return" }.Select(n => new DataField<double>(n)).ToArray();
        var regimes = new[] { new DataField<string>("regime_at_open", true), new DataField<string>("regime_at_close", true) };
        var schema = new ParquetSchema([portfolio, symbol, .. times, .. numbers, .. regimes]);
        return ParquetTable.WriteAsync(output, schema, TradesSchema, new Dictionary<string, string>(), async rowGroup =>
        {
            await rowGroup.WriteAsync(portfolio, rows.Select(r => r.Portfolio).ToArray()!);
            await rowGroup.WriteAsync(symbol, rows.Select(r => r.Trade.Symbol).ToArray()!);
            await rowGroup.WriteAsync<long>(times[0], rows.Select(r => r.Trade.EntryTime).ToArray(), cancellationToken: cancellationToken);
            await rowGroup.WriteAsync<long>(times[1], rows.Select(r => r.Trade.ExitTime).ToArray(), cancellationToken: cancellationToken);
            Func<ClosedTrade, double>[] columns = [t => t.Quantity, t => t.EntryPrice, t => t.ExitPrice, t => t.Pnl, t => t.Return];
            for (var c = 0; c < columns.Length; c++)
            {
                await rowGroup.WriteAsync<double>(numbers[c], rows.Select(r => columns[c](r.Trade)).ToArray(), cancellationToken: cancellationToken);
            }

            await rowGroup.WriteAsync(regimes[0], rows.Select(r => r.Trade.RegimeAtOpen).ToArray()!);
            await rowGroup.WriteAsync(regimes[1], rows.Select(r => r.Trade.RegimeAtClose).ToArray()!);
        }, cancellationToken);
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
