using Parquet;
using Parquet.Schema;
using SignalReplay.Core.Optimization;
using SignalReplay.Core.Portfolio;

namespace SignalReplay.Storage.Results;

/// <summary>
/// One column of a phase's metrics file: its field and how a row's value is found. A column writes a row
/// group from rows, and copies itself from one file's row group to another's without knowing its type outside.
/// </summary>
internal abstract class PhaseColumn(DataField dataField)
{
    public DataField Field => dataField;

    public abstract Task WriteAsync(ParquetRowGroupWriter group, IReadOnlyList<PortfolioOutcome> rows, CancellationToken cancellationToken);

    public abstract Task CopyAsync(ParquetRowGroupReader from, ParquetRowGroupWriter to, int rows, CancellationToken cancellationToken);

    /// <summary>Every column of metrics.parquet after <c>rank</c>, in file order.</summary>
    public static IReadOnlyList<PhaseColumn> Metrics { get; } =
    [
        Text("portfolio", false, o => o.Config.Id),
        Text("candidate", false, o => o.Candidate),
        Number("score", o => o.Score),
        Text("strategies", false, o => o.Config.Assignments is [var only] ? only.StrategyInstance : string.Join(';', o.Config.Assignments.Select(a => a.StrategyInstance))),
        Text("series", false, o => o.Config.Assignments is [var only] ? only.Series.ToString() : string.Join(';', o.Config.Assignments.Select(a => a.Series.ToString()).Distinct())),
        Text("sizing", false, o => SizingName(o.Config.Sizing)),
        Text("fill", false, o => o.Config.Execution.Timing == FillTiming.NextOpen ? "next_open" : "signal_close"),
        Text("regime_classifier", true, o => o.Config.RegimeFilter?.Classifier),
        Text("allowed_regimes", true, o => o.Config.RegimeFilter is { } f ? string.Join(';', f.Allowed.Order(StringComparer.Ordinal)) : null),
        Text("on_regime_exit", true, o => o.Config.RegimeFilter is { } f ? f.OnExit.ToString().ToLowerInvariant() : null),
        Number("sizing_value", o => SizingValue(o.Config.Sizing)),
        Number("commission_bps", o => o.Config.Execution.CommissionBps),
        Number("commission_per_unit", o => o.Config.Execution.CommissionPerUnit),
        Number("slippage_bps", o => o.Config.Execution.SlippageBps),
        Number("starting_cash", o => o.Config.StartingCash),
        Optional<double>("stop_loss", o => o.Config.Risk.StopLoss),
        Optional<double>("take_profit", o => o.Config.Risk.TakeProfit),
        Optional<double>("max_position", o => o.Config.Risk.MaxPositionFraction),
        Optional<double>("max_gross_exposure", o => o.Config.Risk.MaxGrossExposure),
        Optional<double>("max_drawdown_halt", o => o.Config.Risk.MaxDrawdownHalt),
        Time("window_from", o => o.Config.Window?.From),
        Time("window_to", o => o.Config.Window?.To),
        .. PerformanceMetrics.Names.Select(name => Number(name, o => o.Result.Metrics.Get(name))),
        Number("final_equity", o => o.Result.FinalEquity),
        Whole("whole_units", o => o.Config.Sizing.WholeUnits ? 1 : 0),
        Whole("boundary_trades", o => o.Result.BoundaryTrades),
        Whole("risk_rejects", o => o.Result.RiskRejects),
        Whole("open_positions", o => o.Result.OpenPositions.Count),
    ];

    private static PhaseColumn Text(string name, bool nullable, Func<PortfolioOutcome, string?> value) => new TextColumn(new DataField<string>(name, nullable), value);

    private static PhaseColumn Number(string name, Func<PortfolioOutcome, double> value) => new ValueColumn<double>(new DataField<double>(name), value);

    private static PhaseColumn Whole(string name, Func<PortfolioOutcome, int> value) => new ValueColumn<int>(new DataField<int>(name), value);

    private static PhaseColumn Optional<T>(string name, Func<PortfolioOutcome, T?> value)
        where T : struct => new OptionalColumn<T>(new DataField<T?>(name), value);

    /// <summary>A nullable UTC TIMESTAMP (ms) from a Unix-ms time.</summary>
    private static PhaseColumn Time(string name, Func<PortfolioOutcome, long?> value) =>
        new OptionalColumn<DateTime>(
            new DateTimeDataField(name, DateTimeFormat.Timestamp, isAdjustedToUTC: true, unit: DateTimeTimeUnit.Millis, isNullable: true),
            o => value(o) is { } millis ? PhaseParquet.Utc(millis) : null);

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

    private sealed class TextColumn(DataField<string> field, Func<PortfolioOutcome, string?> value) : PhaseColumn(field)
    {
        public override Task WriteAsync(ParquetRowGroupWriter group, IReadOnlyList<PortfolioOutcome> rows, CancellationToken cancellationToken) =>
            group.WriteAsync(field, rows.Select(value).ToArray()!);

        public override async Task CopyAsync(ParquetRowGroupReader from, ParquetRowGroupWriter to, int rows, CancellationToken cancellationToken)
        {
            var values = new string?[rows];
            await from.ReadAsync(field, values.AsMemory()!, cancellationToken: cancellationToken);
            await to.WriteAsync(field, values!);
        }
    }

    private sealed class ValueColumn<T>(DataField<T> field, Func<PortfolioOutcome, T> value) : PhaseColumn(field)
        where T : struct
    {
        public override Task WriteAsync(ParquetRowGroupWriter group, IReadOnlyList<PortfolioOutcome> rows, CancellationToken cancellationToken) =>
            group.WriteAsync<T>(field, rows.Select(value).ToArray(), cancellationToken: cancellationToken);

        public override async Task CopyAsync(ParquetRowGroupReader from, ParquetRowGroupWriter to, int rows, CancellationToken cancellationToken)
        {
            var values = new T[rows];
            await from.ReadAsync(field, values.AsMemory(), cancellationToken: cancellationToken);
            await to.WriteAsync<T>(field, values, cancellationToken: cancellationToken);
        }
    }

    private sealed class OptionalColumn<T>(DataField field, Func<PortfolioOutcome, T?> value) : PhaseColumn(field)
        where T : struct
    {
        public override Task WriteAsync(ParquetRowGroupWriter group, IReadOnlyList<PortfolioOutcome> rows, CancellationToken cancellationToken) =>
            group.WriteAsync<T>(Field, rows.Select(value).ToArray(), cancellationToken: cancellationToken);

        public override async Task CopyAsync(ParquetRowGroupReader from, ParquetRowGroupWriter to, int rows, CancellationToken cancellationToken)
        {
            var values = new T?[rows];
            await from.ReadAsync(Field, values.AsMemory(), cancellationToken: cancellationToken);
            await to.WriteAsync<T>(Field, values, cancellationToken: cancellationToken);
        }
    }
}
