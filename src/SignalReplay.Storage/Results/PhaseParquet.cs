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
    public static readonly FileSchema MetricsSchema = new("phase_metrics", 1);
    public static readonly FileSchema TradesSchema = new("phase_trades", 1);

    private static readonly DataField<int> Rank = new("rank");
    private static readonly DataField<string> Portfolio = new("portfolio", false);
    private static readonly DataField<string> Candidate = new("candidate", false);
    private static readonly DataField<double> Score = new("score");

    public static Task WriteMetricsAsync(IReadOnlyList<PortfolioOutcome> ranked, Stream output, CancellationToken cancellationToken)
    {
        var configs = ranked.Select(o => o.Config).ToArray();
        var strings = new (DataField<string> Field, string?[] Values)[]
        {
            (new("strategies", false), [.. configs.Select(c => string.Join(';', c.Assignments.Select(a => a.StrategyInstance)))]),
            (new("series", false), [.. configs.Select(c => string.Join(';', c.Assignments.Select(a => a.Series.ToString()).Distinct()))]),
            (new("sizing", false), [.. configs.Select(c => SizingName(c.Sizing))]),
            (new("fill", false), [.. configs.Select(c => c.Execution.Timing == FillTiming.NextOpen ? "next_open" : "signal_close")]),
            (new("regime_classifier", true), [.. configs.Select(c => c.RegimeFilter?.Classifier)]),
            (new("allowed_regimes", true), [.. configs.Select(c => c.RegimeFilter is { } f ? string.Join(';', f.Allowed.Order(StringComparer.Ordinal)) : null)]),
            (new("on_regime_exit", true), [.. configs.Select(c => c.RegimeFilter is { } f ? f.OnExit.ToString().ToLowerInvariant() : null)]),
        };
        var numbers = new (DataField<double> Field, double[] Values)[]
        {
            (new("sizing_value"), [.. configs.Select(c => SizingValue(c.Sizing))]),
            (new("commission_bps"), [.. configs.Select(c => c.Execution.CommissionBps)]),
            (new("commission_per_unit"), [.. configs.Select(c => c.Execution.CommissionPerUnit)]),
            (new("slippage_bps"), [.. configs.Select(c => c.Execution.SlippageBps)]),
            (new("starting_cash"), [.. configs.Select(c => c.StartingCash)]),
        };
        var limits = new (DataField<double?> Field, double?[] Values)[]
        {
            (new("stop_loss"), [.. configs.Select(c => c.Risk.StopLoss)]),
            (new("take_profit"), [.. configs.Select(c => c.Risk.TakeProfit)]),
            (new("max_position"), [.. configs.Select(c => c.Risk.MaxPositionFraction)]),
            (new("max_gross_exposure"), [.. configs.Select(c => c.Risk.MaxGrossExposure)]),
            (new("max_drawdown_halt"), [.. configs.Select(c => c.Risk.MaxDrawdownHalt)]),
        };
        var windows = new (DataField<long?> Field, long?[] Values)[]
        {
            (new("window_from"), [.. configs.Select(c => c.Window?.From)]),
            (new("window_to"), [.. configs.Select(c => c.Window?.To)]),
        };
        var metrics = PerformanceMetrics.Names
            .Select(name => (Field: new DataField<double>(name), Values: ranked.Select(o => o.Result.Metrics.Get(name)).ToArray()))
            .Append((new DataField<double>("final_equity"), [.. ranked.Select(o => o.Result.FinalEquity)]))
            .ToArray();
        var counts = new (DataField<int> Field, int[] Values)[]
        {
            (new("whole_units"), [.. configs.Select(c => c.Sizing.WholeUnits ? 1 : 0)]),
            (new("boundary_trades"), [.. ranked.Select(o => o.Result.BoundaryTrades)]),
            (new("risk_rejects"), [.. ranked.Select(o => o.Result.RiskRejects)]),
            (new("open_positions"), [.. ranked.Select(o => o.Result.OpenPositions.Count)]),
        };
        var schema = new ParquetSchema(
        [
            Rank, Portfolio, Candidate, Score,
            .. strings.Select(c => (Field)c.Field), .. numbers.Select(c => (Field)c.Field), .. limits.Select(c => (Field)c.Field),
            .. windows.Select(c => (Field)c.Field), .. metrics.Select(c => (Field)c.Field), .. counts.Select(c => (Field)c.Field),
        ]);
        return ParquetTable.WriteAsync(output, schema, MetricsSchema, new Dictionary<string, string>(), async rowGroup =>
        {
            await rowGroup.WriteAsync<int>(Rank, Enumerable.Range(1, ranked.Count).ToArray(), cancellationToken: cancellationToken);
            await rowGroup.WriteAsync(Portfolio, configs.Select(c => c.Id).ToArray()!);
            await rowGroup.WriteAsync(Candidate, ranked.Select(o => o.Candidate).ToArray()!);
            await rowGroup.WriteAsync<double>(Score, ranked.Select(o => o.Score).ToArray(), cancellationToken: cancellationToken);
            foreach (var (field, values) in strings)
            {
                await rowGroup.WriteAsync(field, values!);
            }

            foreach (var (field, values) in numbers)
            {
                await rowGroup.WriteAsync<double>(field, values, cancellationToken: cancellationToken);
            }

            foreach (var (field, values) in limits)
            {
                await rowGroup.WriteAsync<double>(field, values, cancellationToken: cancellationToken);
            }

            foreach (var (field, values) in windows)
            {
                await rowGroup.WriteAsync<long>(field, values, cancellationToken: cancellationToken);
            }

            foreach (var (field, values) in metrics)
            {
                await rowGroup.WriteAsync<double>(field, values, cancellationToken: cancellationToken);
            }

            foreach (var (field, values) in counts)
            {
                await rowGroup.WriteAsync<int>(field, values, cancellationToken: cancellationToken);
            }
        }, cancellationToken);
    }

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

    /// <summary>The ranked rows of a metrics file: ids, score and every SPEC 7 metric.</summary>
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
                    PerformanceMetrics.Names.Select((name, m) => KeyValuePair.Create(name, metrics[m][i])).ToDictionary())),
            ];
        }, cancellationToken);

    private static string SizingName(Sizing sizing) => sizing switch
    {
        FixedFractionSizing => "fixed_fraction",
        FixedQuantitySizing => "fixed_quantity",
        _ => "volatility_target",
    };

    private static double SizingValue(Sizing sizing) => sizing switch
    {
        FixedFractionSizing f => f.Fraction,
        FixedQuantitySizing q => q.Units,
        VolatilityTargetSizing v => v.TargetBarVolatility,
        _ => double.NaN,
    };
}

/// <summary>One row of a phase's metrics.parquet, for leaderboards.</summary>
public sealed record MetricsRow(int Rank, string Portfolio, string Candidate, double Score, double FinalEquity, IReadOnlyDictionary<string, double> Metrics);
