using Parquet;
using Parquet.Schema;
using SignalReplay.Core.Optimization;
using SignalReplay.Core.Portfolio;
using SignalReplay.Storage.Parquet;

namespace SignalReplay.Storage.Results;

/// <summary>
/// <c>metrics.parquet</c> (one row per portfolio: rank, ids, score, every parameter, every SPEC 7 metric),
/// <c>trades.parquet</c> (one row per closed trade) and <c>equity.parquet</c> (one row per kept portfolio and UTC date) of a phase.
/// </summary>
public static class PhaseParquet
{
    /// <summary>2: rows in plan order (as phases stream them) with their rank; 1 wrote them in rank order.</summary>
    /// <summary>3: a nullable column per strategy parameter of the run (<c>momentum.fast</c>) after the fixed ones; the window columns UTC TIMESTAMPs.</summary>
    public static readonly FileSchema MetricsSchema = new("phase_metrics", 3);
    /// <summary>2: entry and exit times are UTC TIMESTAMPs (1: Unix milliseconds).</summary>
    public static readonly FileSchema TradesSchema = new("phase_trades", 2);
    public static readonly FileSchema EquitySchema = new("phase_equity", 1);

    private static readonly DataField<int> Rank = new("rank");
    private static readonly DataField<string> Portfolio = new("portfolio", false);
    private static readonly DataField<string> Candidate = new("candidate", false);
    private static readonly DataField<double> Score = new("score");

    private static readonly DataField<string> TradePortfolio = new("portfolio", false);
    private static readonly DataField<string> Symbol = new("symbol", false);
    private static readonly DateTimeDataField[] Times =
    [
        new("entry_time", DateTimeFormat.Timestamp, isAdjustedToUTC: true, unit: DateTimeTimeUnit.Millis),
        new("exit_time", DateTimeFormat.Timestamp, isAdjustedToUTC: true, unit: DateTimeTimeUnit.Millis),
    ];
    private static readonly DataField<double>[] Numbers = [.. new[] { "quantity", "entry_price", "exit_price", "pnl", "return" }.Select(n => new DataField<double>(n))];
    private static readonly Func<ClosedTrade, double>[] NumberOf = [t => t.Quantity, t => t.EntryPrice, t => t.ExitPrice, t => t.Pnl, t => t.Return];
    private static readonly DataField<string>[] Regimes = [new("regime_at_open", true), new("regime_at_close", true)];

    private static readonly DataField<string> EquityPortfolio = new("portfolio", false);
    private static readonly DateTimeDataField EquityTime = new("time", DateTimeFormat.Timestamp, isAdjustedToUTC: true, unit: DateTimeTimeUnit.Millis);
    private static readonly DataField<double> Equity = new("equity");
    private static readonly DataField<double> Drawdown = new("drawdown");

    /// <summary>
    /// The columns of equity.parquet: a portfolio's equity at the last mark of each UTC date it traded (<c>time</c>, a UTC
    /// TIMESTAMP), and its drawdown there: the fraction below the highest of those marks so far.
    /// </summary>
    public static ParquetSchema EquityColumns { get; } = new(EquityPortfolio, EquityTime, Equity, Drawdown);

    /// <summary>The day-end equity of <paramref name="kept"/> portfolios (in their order, each in date order) as one file.</summary>
    public static Task WriteEquityAsync(IReadOnlyList<PortfolioOutcome> kept, Stream output, CancellationToken cancellationToken)
    {
        var rows = kept.SelectMany(o => DayEnds(o.Config.Id, o.Result)).ToArray();
        return ParquetTable.WriteAsync(output, EquityColumns, EquitySchema, new Dictionary<string, string>(), async group =>
        {
            await group.WriteAsync(EquityPortfolio, rows.Select(r => r.Portfolio).ToArray()!);
            await group.WriteAsync<DateTime>(EquityTime, rows.Select(r => DateTime.UnixEpoch.AddMilliseconds(r.Time)).ToArray(), cancellationToken: cancellationToken);
            await group.WriteAsync<double>(Equity, rows.Select(r => r.Equity).ToArray(), cancellationToken: cancellationToken);
            await group.WriteAsync<double>(Drawdown, rows.Select(r => r.Drawdown).ToArray(), cancellationToken: cancellationToken);
        }, cancellationToken);
    }

    private static IEnumerable<(string Portfolio, long Time, double Equity, double Drawdown)> DayEnds(string portfolio, PortfolioResult result)
    {
        var peak = double.NegativeInfinity;
        for (var i = 0; i < result.Equity.Length; i++)
        {
            peak = Math.Max(peak, result.Equity[i]);
            yield return (portfolio, result.EquityTime[i], result.Equity[i], peak > 0 ? 1 - (result.Equity[i] / peak) : 0);
        }
    }

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
        await group.WriteAsync<DateTime>(Times[0], rows.Select(r => Utc(r.Trade.EntryTime)).ToArray(), cancellationToken: cancellationToken);
        await group.WriteAsync<DateTime>(Times[1], rows.Select(r => Utc(r.Trade.ExitTime)).ToArray(), cancellationToken: cancellationToken);
        for (var c = 0; c < Numbers.Length; c++)
        {
            await group.WriteAsync<double>(Numbers[c], rows.Select(r => NumberOf[c](r.Trade)).ToArray(), cancellationToken: cancellationToken);
        }

        await group.WriteAsync(Regimes[0], rows.Select(r => r.Trade.RegimeAtOpen).ToArray()!);
        await group.WriteAsync(Regimes[1], rows.Select(r => r.Trade.RegimeAtClose).ToArray()!);
    }

    /// <summary>The rows of a trades file, in file order.</summary>
    public static Task<IReadOnlyList<TradeRow>> ReadTradesAsync(Stream input, string source, CancellationToken cancellationToken) =>
        ParquetTable.ReadAsync(input, source, TradesSchema, async file =>
        {
            var portfolio = await file.ReadStringColumnAsync(file.RequireField(TradePortfolio.Name));
            var symbol = await file.ReadStringColumnAsync(file.RequireField(Symbol.Name));
            // Schema 1 wrote the times as Unix milliseconds (BIGINT); 2 as UTC TIMESTAMPs.
            var millis = file.RequireMetadata(ParquetTable.SchemaVersionKey) == "1";
            var entry = millis ? await file.ReadColumnAsync<long>(file.RequireField(Times[0].Name)) : Millis(await file.ReadColumnAsync<DateTime>(file.RequireField(Times[0].Name)));
            var exit = millis ? await file.ReadColumnAsync<long>(file.RequireField(Times[1].Name)) : Millis(await file.ReadColumnAsync<DateTime>(file.RequireField(Times[1].Name)));
            var numbers = new List<double[]>();
            foreach (var field in Numbers)
            {
                numbers.Add(await file.ReadColumnAsync<double>(file.RequireField(field.Name)));
            }

            return (IReadOnlyList<TradeRow>)
            [
                .. portfolio.Select((p, i) => new TradeRow(
                    p!, symbol[i]!, DateTimeOffset.FromUnixTimeMilliseconds(entry[i]), DateTimeOffset.FromUnixTimeMilliseconds(exit[i]),
                    numbers[0][i], numbers[1][i], numbers[2][i], numbers[3][i], numbers[4][i])),
            ];
        }, cancellationToken);

    /// <summary>A Unix-ms time as the UTC <see cref="DateTime"/> a Parquet TIMESTAMP column holds.</summary>
    public static DateTime Utc(long millis) => DateTime.UnixEpoch.AddMilliseconds(millis);

    private static long[] Millis(DateTime[] times) => [.. times.Select(t => new DateTimeOffset(DateTime.SpecifyKind(t, DateTimeKind.Utc)).ToUnixTimeMilliseconds())];

    /// <summary>The rows of an equity file, in file order (portfolio by portfolio, each in date order).</summary>
    public static Task<IReadOnlyList<EquityRow>> ReadEquityAsync(Stream input, string source, CancellationToken cancellationToken) =>
        ParquetTable.ReadAsync(input, source, EquitySchema, async file =>
        {
            var portfolio = await file.ReadStringColumnAsync(file.RequireField(EquityPortfolio.Name));
            var time = await file.ReadColumnAsync<DateTime>(file.RequireField(EquityTime.Name));
            var equity = await file.ReadColumnAsync<double>(file.RequireField(Equity.Name));
            var drawdown = await file.ReadColumnAsync<double>(file.RequireField(Drawdown.Name));
            return (IReadOnlyList<EquityRow>)
            [
                .. portfolio.Select((p, i) => new EquityRow(p!, new DateTimeOffset(DateTime.SpecifyKind(time[i], DateTimeKind.Utc)), equity[i], drawdown[i])),
            ];
        }, cancellationToken);

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

            // The per-parameter columns (schema 3): every column whose name is strategy.parameter.
            var parameters = new List<(string Name, double?[] Values)>();
            foreach (var field in file.Fields.Where(f => f.Name.Contains('.', StringComparison.Ordinal)))
            {
                parameters.Add((field.Name, await file.ReadNullableColumnAsync<double>(field)));
            }

            return (IReadOnlyList<MetricsRow>)
            [
                .. rank.Select((r, i) => new MetricsRow(
                    r, portfolio[i]!, candidate[i]!, score[i], equity[i],
                    PerformanceMetrics.Names.Select((name, m) => KeyValuePair.Create(name, metrics[m][i])).ToDictionary())
                {
                    Parameters = parameters.Where(p => p.Values[i] is not null).ToDictionary(p => p.Name, p => p.Values[i]!.Value, StringComparer.Ordinal),
                })
                    .OrderBy(row => row.Rank),
            ];
        }, cancellationToken);
}

/// <summary>One row of a phase's trades.parquet: a closed trade of a portfolio.</summary>
public sealed record TradeRow(
    string Portfolio, string Symbol, DateTimeOffset EntryTime, DateTimeOffset ExitTime, double Quantity, double EntryPrice, double ExitPrice, double Pnl, double Return);

/// <summary>One row of a phase's equity.parquet: a portfolio's equity at the end of a UTC date, and its drawdown there.</summary>
public sealed record EquityRow(string Portfolio, DateTimeOffset Time, double Equity, double Drawdown);

/// <summary>One row of a phase's metrics.parquet, for leaderboards; <see cref="Parameters"/> holds its strategy parameters (<c>momentum.fast</c>) that are set.</summary>
public sealed record MetricsRow(int Rank, string Portfolio, string Candidate, double Score, double FinalEquity, IReadOnlyDictionary<string, double> Metrics)
{
    public IReadOnlyDictionary<string, double> Parameters { get; init; } = new Dictionary<string, double>();
}
