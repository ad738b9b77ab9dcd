using System.CommandLine;
using System.Globalization;
using SignalReplay.Core.Portfolio;

namespace SignalReplay.Cli;

/// <summary>
/// The portfolio flags <c>backtest</c> and <c>replay</c> share. Values separated by '|' are
/// alternatives: one portfolio per strategy instance and combination, with readable, stable ids
/// such as <c>momentum(fast=10,slow=50,long_only=0)@SPY_1m|ff=0.5|sl=0.02</c>.
/// </summary>
internal sealed class PortfolioOptions
{
    public Option<string> Fraction { get; } = new("--fraction") { Description = "fixed_fraction of equity per unit of signal ('|' alternatives).", DefaultValueFactory = _ => "1" };

    public Option<string?> StopLoss { get; } = new("--stop-loss") { Description = "Stop-loss as a fraction of the entry price ('|' alternatives)." };

    public Option<string?> TakeProfit { get; } = new("--take-profit") { Description = "Take-profit as a fraction of the entry price." };

    public Option<string> Fill { get; } = new("--fill") { Description = "next_open (default) or signal_close.", DefaultValueFactory = _ => "next_open" };

    public Option<double> CommissionBps { get; } = new("--commission-bps") { Description = "Commission in bps of notional." };

    public Option<double> SlippageBps { get; } = new("--slippage-bps") { Description = "Slippage in bps against the trader." };

    public Option<string?> Regime { get; } = new("--regime") { Description = "Trade only in these regimes: classifier=REGIME|REGIME (e.g. trend=TRENDING_UP|NEUTRAL)." };

    public Option<string> OnRegimeExit { get; } = new("--on-regime-exit") { Description = "hold (default) or close.", DefaultValueFactory = _ => "hold" };

    public Option<int> Top { get; } = new("--top") { Description = "Rows of the table, best Sharpe first.", DefaultValueFactory = _ => 20 };

    public IEnumerable<Option> All => [Fraction, StopLoss, TakeProfit, Fill, CommissionBps, SlippageBps, Regime, OnRegimeExit, Top];

    /// <summary>One portfolio per strategy instance and combination of the flags' alternatives.</summary>
    public List<PortfolioConfig> Build(ParseResult parse, IEnumerable<(string Instance, SeriesId Series)> strategies)
    {
        var fractions = Numbers(parse.GetValue(Fraction), "--fraction");
        var stops = parse.GetValue(StopLoss) is { } stopText ? Numbers(stopText, "--stop-loss").Select(v => (double?)v).ToArray() : [null];
        double? takeProfit = parse.GetValue(TakeProfit) is { } take ? Numbers(take, "--take-profit").Single() : null;
        var timing = parse.GetValue(Fill) switch
        {
            "next_open" => FillTiming.NextOpen,
            "signal_close" => FillTiming.SignalClose,
            var other => throw new ArgumentException($"--fill '{other}' is not next_open or signal_close."),
        };
        var execution = new ExecutionModel(timing, parse.GetValue(CommissionBps), 0, parse.GetValue(SlippageBps)).Validate();
        var filter = RegimeFilterOf(parse.GetValue(Regime), parse.GetValue(OnRegimeExit)!);

        var configs = new List<PortfolioConfig>();
        foreach (var (instance, series) in strategies)
        {
            foreach (var fraction in fractions)
            {
                foreach (var stop in stops)
                {
                    var id = $"{instance}|ff={Text(fraction)}" + (stop is { } sl ? $"|sl={Text(sl)}" : string.Empty);
                    configs.Add(new PortfolioConfig(
                        id, [new StrategyAssignment(instance, series)], new FixedFractionSizing(fraction), execution, new RiskLimits(StopLoss: stop, TakeProfit: takeProfit), filter));
                }
            }
        }

        return configs;
    }

    /// <summary>
    /// Refuses a <c>--regime</c> filter on a classifier the signals lack, or naming a regime its classifier never
    /// reports (it would trade nothing and say nothing), listing what there is.
    /// </summary>
    public static void CheckRegimes(IEnumerable<PortfolioConfig> configs, IReadOnlyDictionary<string, IReadOnlyList<string>> labels)
    {
        if (configs.Select(c => c.RegimeFilter).FirstOrDefault(f => f is not null) is not { } filter)
        {
            return;
        }

        if (!labels.TryGetValue(filter.Classifier, out var regimes))
        {
            throw new ArgumentException(labels.Count == 0
                ? $"--regime filters on classifier '{filter.Classifier}', but these signals have no classifier: add one with --classifier."
                : $"--regime filters on classifier '{filter.Classifier}', which these signals lack; they have {string.Join(", ", labels.Keys.Order(StringComparer.Ordinal))}.");
        }

        if (filter.Allowed.Order(StringComparer.Ordinal).FirstOrDefault(r => !regimes.Contains(r)) is { } unknown)
        {
            throw new ArgumentException($"--regime: '{unknown}' is not a regime of classifier '{filter.Classifier}'; its regimes are {string.Join(", ", regimes)}.");
        }
    }

    private static RegimeFilter? RegimeFilterOf(string? text, string onExit)
    {
        if (text is null)
        {
            return null;
        }

        var equals = text.IndexOf('=');
        if (equals <= 0)
        {
            throw new ArgumentException($"--regime '{text}' is not classifier=REGIME|REGIME.");
        }

        var exit = onExit switch
        {
            "hold" => RegimeExit.Hold,
            "close" => RegimeExit.Close,
            _ => throw new ArgumentException($"--on-regime-exit '{onExit}' is not hold or close."),
        };
        return new RegimeFilter(text[..equals], text[(equals + 1)..].Split('|').ToHashSet(StringComparer.Ordinal), exit);
    }

    private static double[] Numbers(string? text, string option) =>
        [.. (text ?? string.Empty).Split('|', StringSplitOptions.RemoveEmptyEntries).Select(value =>
            double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) && number > 0
                ? number
                : throw new ArgumentException($"{option} '{value}' is not a positive number."))];

    private static string Text(double value) => value.ToString(CultureInfo.InvariantCulture);
}
