namespace SignalReplay.Core.Optimization;

/// <summary>
/// The keys each section of a run configuration may hold: what <see cref="RunConfigReader"/> accepts (anything else is
/// refused naming the key), and what the run API's OpenAPI schema of the configuration is built from, so the two agree.
/// </summary>
public static class RunConfigKeys
{
    public static readonly string[] Root = ["name", "plugins", "data", "classifiers", "strategies", "ensembles", "portfolio", "phases", "tracing", "retention"];

    /// <summary>The keys a configuration must have.</summary>
    public static readonly string[] Required = ["name", "data", "strategies", "phases"];

    public static readonly string[] Data = ["dataset", "series", "max_buffer_size", "batch_window"];

    public static readonly string[] Classifier = ["name", "series", "label", "params"];

    public static readonly string[] Strategy = ["name", "series", "params", "constraint"];

    public static readonly string[] Ensemble = ["name", "classifier", "on_regime_exit", "members"];

    public static readonly string[] EnsembleMember = ["strategy", "series", "params", "weight", "regimes"];

    public static readonly string[] Portfolio = ["starting_cash", "volatility_lookback", "whole_units", "sizing", "execution", "risk"];

    public static readonly string[] Risk = ["stop_loss", "take_profit", "max_position", "max_gross_exposure", "max_drawdown_halt"];

    public static readonly string[] Sizing = ["fixed_fraction", "fixed_quantity", "volatility_target"];

    public static readonly string[] Execution = ["fill", "commission_bps", "commission_per_unit", "slippage_bps"];

    public static readonly string[] Phase =
        ["name", "kind", "objective", "top", "range", "classifier", "on_regime_exit", "walk_forward", "store_trades", "pbo_trials", "pbo_partitions", "per_regime", "members", "weight_step", "train", "test", "step", "anchored", "phases"];

    public static readonly string[] Range = ["from", "to"];

    public static readonly string[] Retention = ["events", "trades", "metrics", "summary"];
}
