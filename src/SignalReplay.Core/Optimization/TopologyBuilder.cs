using System.Globalization;
using SignalReplay.Core.Generation;
using SignalReplay.Core.Portfolio;

namespace SignalReplay.Core.Optimization;

/// <summary>A strategy or classifier as configured: catalog name, series and one value per parameter.</summary>
public sealed record DeciderInstance(string Name, IReadOnlyList<SeriesId> Series, IReadOnlyDictionary<string, double> Parameters)
{
    public Strategy Strategy() => DeciderCatalog.Strategy(Name, Series, Parameters);
}

/// <summary>The parameter combinations of one strategy entry its constraints skipped, of all its lists make.</summary>
public sealed record SkippedCombinations(string Strategy, string Constraints, int Skipped, long Combinations)
{
    public override string ToString() =>
        $"{Strategy}: {Skipped.ToString("N0", CultureInfo.InvariantCulture)} of {Combinations.ToString("N0", CultureInfo.InvariantCulture)} parameter combinations skipped by {Constraints}";
}

/// <summary>
/// Expands a <see cref="RunConfig"/> into what runs (SPEC 8): one strategy instance per combination of
/// each strategy's parameter lists, and one portfolio per strategy instance x sizing x execution x risk
/// alternative, with a stable, readable id (<c>momentum(fast=10,slow=50,long_only=0)@SPY_1m|ff=0.5|sl=0.02</c>).
/// Order is the configuration's order, so the same file always gives the same list.
/// </summary>
public static class TopologyBuilder
{
    public static IReadOnlyList<DeciderInstance> StrategyInstances(RunConfig config) => [.. config.Strategies.SelectMany(StrategyInstances)];

    /// <summary>
    /// One instance per combination of <paramref name="section"/>'s parameter lists that meets its constraints,
    /// the first parameter varying slowest.
    /// </summary>
    public static IEnumerable<DeciderInstance> StrategyInstances(StrategySection section) =>
        Combinations(section).Where(section.Admits).Select(parameters => new DeciderInstance(section.Name, section.Series, parameters));

    /// <summary>How many combinations of each strategy's lists its constraints skip, for the strategies that skip any.</summary>
    public static IReadOnlyList<SkippedCombinations> Skipped(RunConfig config) =>
    [
        .. from section in config.Strategies
           let constraints = section.Constraints ?? []
           where constraints.Count > 0
           let skipped = Combinations(section).Count(parameters => !section.Admits(parameters))
           select new SkippedCombinations(section.Name, string.Join(", ", constraints), skipped, section.Instances),
    ];

    private static IEnumerable<Dictionary<string, double>> Combinations(StrategySection section)
    {
        IEnumerable<Dictionary<string, double>> combinations = [[]];
        foreach (var (name, values) in section.Parameters)
        {
            combinations = combinations.SelectMany(partial => values.Select(value => new Dictionary<string, double>(partial) { [name] = value }));
        }

        return combinations;
    }

    /// <summary>Every strategy instance to generate: the strategies' instances, then the ensembles' members not among them.</summary>
    public static IReadOnlyList<Strategy> Strategies(RunConfig config)
    {
        var strategies = StrategyInstances(config).Select(instance => instance.Strategy()).ToList();
        var duplicate = strategies.GroupBy(s => s.InstanceId).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw new ArgumentException($"Strategy instance {duplicate.Key} is configured more than once.");
        }

        var known = strategies.Select(s => s.InstanceId).ToHashSet(StringComparer.Ordinal);
        foreach (var member in config.Ensembles.SelectMany(e => e.Members).Select(m => m.Strategy.Strategy()))
        {
            if (known.Add(member.InstanceId))
            {
                strategies.Add(member);
            }
        }

        return strategies;
    }

    /// <summary>
    /// An ensemble as its grid member: one assignment per member; a regime-adaptive one follows its classifier in every
    /// regime some member trades in, each member narrowed to its own.
    /// </summary>
    public static Ensemble Ensemble(EnsembleSection section, IReadOnlyList<string> classifierLabels)
    {
        StrategyAssignment[] assignments =
        [
            .. from member in section.Members
               let strategy = member.Strategy.Strategy()
               select new StrategyAssignment(strategy.InstanceId, strategy.Primary, member.Weight, member.Regimes?.ToHashSet(StringComparer.Ordinal)),
        ];
        if (section.Classifier is not { } classifier)
        {
            return new Ensemble(section.Name, assignments);
        }

        var allowed = assignments.Any(a => a.Regimes is null)
            ? classifierLabels.ToHashSet(StringComparer.Ordinal)
            : assignments.SelectMany(a => a.Regimes!).ToHashSet(StringComparer.Ordinal);
        return new Ensemble(section.Name, assignments, new RegimeFilter(classifier, allowed, section.OnRegimeExit));
    }

    public static IReadOnlyList<KeyValuePair<string, Classifier>> Classifiers(RunConfig config) =>
    [
        .. config.Classifiers.Select(c => KeyValuePair.Create(c.Key, DeciderCatalog.Classifier(c.Name, c.Series, c.Parameters))),
    ];

    /// <summary>
    /// Every portfolio of the grid: one strategy instance of the strategies, or one ensemble, each crossed with every
    /// portfolio alternative, computed on demand.
    /// </summary>
    /// <summary>
    /// One column name per strategy parameter the run's strategies and ensemble members declare (<c>momentum.fast</c>), strategies in
    /// name order and each one's parameters in its reading order: the per-parameter columns of its metrics files.
    /// </summary>
    public static IReadOnlyList<string> ParameterColumns(RunConfig config)
    {
        var names = config.Strategies.Select(s => s.Name).Concat(config.Ensembles.SelectMany(e => e.Members).Select(m => m.Strategy.Name)).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal);
        var declared = DeciderRegistry.Default.Strategies.ToDictionary(d => d.Name, StringComparer.Ordinal);
        return [.. names.SelectMany(name => declared.TryGetValue(name, out var d) ? d.Parameters.Select(p => $"{name}.{p.Name}") : [])];
    }

    public static GridPortfolios Grid(RunConfig config)
    {
        var labels = Classifiers(config).ToDictionary(c => c.Key, c => c.Value.Labels, StringComparer.Ordinal);
        var single = StrategyInstances(config).Select(instance => instance.Strategy());
        return new GridPortfolios([.. single.Select(s => new StrategyAssignment(s.InstanceId, s.Primary))], config.Portfolio, config.Tracing)
        {
            Ensembles = [.. config.Ensembles.Select(e => Ensemble(e, e.Classifier is { } key ? labels[key] : []))],
        }.Validate();
    }

    /// <summary>The strategy, the sizing, then every setting that differs from its default.</summary>
    public static string PortfolioId(string strategyInstance, Sizing sizing, ExecutionModel execution, RiskLimits risk)
    {
        var parts = new List<string> { strategyInstance, sizing.Describe() };
        if (sizing.WholeUnits)
        {
            parts.Add("wu");
        }

        if (execution.Timing == FillTiming.SignalClose)
        {
            parts.Add("fill=signal_close");
        }

        Add(parts, "cbps", execution.CommissionBps == 0 ? null : execution.CommissionBps);
        Add(parts, "cpu", execution.CommissionPerUnit == 0 ? null : execution.CommissionPerUnit);
        Add(parts, "slip", execution.SlippageBps == 0 ? null : execution.SlippageBps);
        Add(parts, "sl", risk.StopLoss);
        Add(parts, "tp", risk.TakeProfit);
        Add(parts, "mp", risk.MaxPositionFraction);
        Add(parts, "gx", risk.MaxGrossExposure);
        Add(parts, "dd", risk.MaxDrawdownHalt);
        return string.Join('|', parts);
    }

    private static void Add(List<string> parts, string name, double? value)
    {
        if (value is { } v)
        {
            parts.Add($"{name}={v.ToString("R", CultureInfo.InvariantCulture)}");
        }
    }
}
