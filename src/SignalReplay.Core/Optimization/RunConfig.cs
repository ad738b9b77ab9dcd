using SignalReplay.Core.Statistics;
using System.Globalization;
using SignalReplay.Core.Portfolio;

namespace SignalReplay.Core.Optimization;

/// <summary>
/// One optimization run (SPEC 10): the data, the deciders, the portfolio grid, the phases, tracing and
/// retention. Read from YAML or JSON by RunConfigReader, expanded by TopologyBuilder.
/// </summary>
public sealed record RunConfig(
    string Name,
    DataSection Data,
    IReadOnlyList<ClassifierSection> Classifiers,
    IReadOnlyList<StrategySection> Strategies,
    PortfolioGrid Portfolio,
    IReadOnlyList<PhaseSection> Phases,
    TraceRetention Tracing,
    RetentionDays Retention)
{
    /// <summary>The ensembles (<c>ensembles:</c>), each crossed with the portfolio grid like one strategy instance.</summary>
    public IReadOnlyList<EnsembleSection> Ensembles { get; init; } = [];

    /// <summary>Plugin assemblies or folders the run's deciders come from (<c>plugins:</c>, full paths).</summary>
    public IReadOnlyList<string> Plugins { get; init; } = [];

    /// <summary>Strategy instances: each strategy's instances, summed (long.MaxValue when larger).</summary>
    public long StrategyInstances => Strategies.Aggregate(0L, (sum, s) => Saturating.Add(sum, s.Instances));

    /// <summary>Portfolio alternatives crossed with each strategy instance: the product of the grid's lists.</summary>
    public long PortfolioAlternatives => Saturating.Product(
    [
        Portfolio.Sizing.Count, Portfolio.Execution.Count, Portfolio.StopLoss.Count, Portfolio.TakeProfit.Count,
        Portfolio.MaxPositionFraction.Count, Portfolio.MaxGrossExposure.Count, Portfolio.MaxDrawdownHalt.Count,
    ]);

    /// <summary>The first phase's configurations: every strategy instance and ensemble crossed with every portfolio alternative.</summary>
    public long Configurations => Saturating.Product([Saturating.Add(StrategyInstances, Ensembles.Count), PortfolioAlternatives]);
}

/// <summary>
/// What one run may ask for, checked while its configuration is read, before anything is expanded: a few lines of
/// YAML can ask for more strategy instances or configurations than any machine holds.
/// </summary>
public sealed record RunConfigLimits(long MaxConfigurations = 10_000_000, long MaxStrategyInstances = 100_000)
{
    public static RunConfigLimits Default { get; } = new();
}

/// <summary>Counts that stop at long.MaxValue instead of overflowing.</summary>
internal static class Saturating
{
    public static long Add(long a, long b) => a > long.MaxValue - b ? long.MaxValue : a + b;

    public static long Product(IEnumerable<long> factors)
    {
        var product = 1L;
        foreach (var factor in factors)
        {
            if (factor == 0)
            {
                return 0;
            }

            product = product > long.MaxValue / factor ? long.MaxValue : product * factor;
        }

        return product;
    }

    /// <summary>A count for a message: grouped digits, or "more than 9 quintillion" once saturated.</summary>
    public static string Describe(long value) => value == long.MaxValue ? "more than 9 quintillion" : value.ToString("N0", CultureInfo.InvariantCulture);
}

/// <summary>A range of UTC dates, <see cref="From"/> included and <see cref="To"/> excluded.</summary>
public sealed record DateRange(DateOnly From, DateOnly To)
{
    /// <summary>Unix milliseconds of <see cref="From"/> at 00:00 UTC.</summary>
    public long FromMillis => new DateTimeOffset(From.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero).ToUnixTimeMilliseconds();

    /// <summary>Unix milliseconds of <see cref="To"/> at 00:00 UTC.</summary>
    public long ToMillis => new DateTimeOffset(To.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero).ToUnixTimeMilliseconds();

    /// <summary><paramref name="count"/> consecutive windows of (nearly) equal days covering this range.</summary>
    public IReadOnlyList<DateRange> Split(int count)
    {
        var days = To.DayNumber - From.DayNumber;
        if (count < 1 || count > days)
        {
            throw new ArgumentException($"Range {this} of {days} days cannot be split into {count} windows.");
        }

        return
        [
            .. Enumerable.Range(0, count).Select(i => new DateRange(
                DateOnly.FromDayNumber(From.DayNumber + (days * i / count)),
                DateOnly.FromDayNumber(From.DayNumber + (days * (i + 1) / count)))),
        ];
    }

    public override string ToString() => $"{From:yyyy-MM-dd}..{To:yyyy-MM-dd}";
}

/// <summary><c>data:</c> the base dataset, the series to generate over, and the alignment settings.</summary>
public sealed record DataSection(
    string Dataset,
    IReadOnlyList<SeriesId> Series,
    int MaxBufferSize = 20_000,
    TimeSpan? BatchWindow = null)
{
    public TimeSpan Window => BatchWindow ?? TimeSpan.FromDays(7);
}

/// <summary>One classifier (<c>classifiers:</c>): catalog name, series, fixed parameters, and the label phases use.</summary>
public sealed record ClassifierSection(
    string Name,
    IReadOnlyList<SeriesId> Series,
    IReadOnlyDictionary<string, double> Parameters,
    string? Label = null)
{
    /// <summary>The name phases and regime filters refer to it by.</summary>
    public string Key => Label ?? Name;
}

/// <summary>
/// One ensemble (<c>ensembles:</c>): a portfolio of several strategy instances with weights, which a grid phase crosses
/// with the portfolio alternatives like one strategy. With <see cref="Classifier"/> (a classifier's key) it is
/// regime-adaptive: each member opens and adds only in its own <see cref="EnsembleMember.Regimes"/> (in all of the
/// classifier's labels when it names none), and <see cref="OnRegimeExit"/> says what a member's position does when
/// the regime leaves them.
/// </summary>
public sealed record EnsembleSection(string Name, IReadOnlyList<EnsembleMember> Members, string? Classifier = null, RegimeExit OnRegimeExit = RegimeExit.Hold);

/// <summary>One strategy instance of an ensemble, its weight in (0, 1] and, in a regime-adaptive ensemble, the regimes it trades in.</summary>
public sealed record EnsembleMember(DeciderInstance Strategy, double Weight = 1, IReadOnlyList<string>? Regimes = null);

/// <summary>
/// One strategy with parameter lists (<c>strategies:</c>): every combination of the lists that meets every
/// <see cref="Constraints"/> (<c>constraint: fast &lt; slow</c>) is one strategy instance. Parameters keep the
/// order they were written in.
/// </summary>
public sealed record StrategySection(
    string Name,
    IReadOnlyList<SeriesId> Series,
    IReadOnlyList<KeyValuePair<string, IReadOnlyList<double>>> Parameters,
    IReadOnlyList<ParameterConstraint>? Constraints = null)
{
    /// <summary>The product of the parameter lists (long.MaxValue when larger): the instances before constraints.</summary>
    public long Instances => Saturating.Product(Parameters.Select(p => (long)p.Value.Count));

    /// <summary>Whether one combination of the lists meets every constraint.</summary>
    public bool Admits(IReadOnlyDictionary<string, double> parameters) => Constraints is null || Constraints.All(c => c.Holds(parameters));
}

/// <summary>
/// <c>portfolio:</c> the grid every strategy instance is crossed with. Each list holds the alternatives
/// of one dimension; null in a risk list means "off".
/// </summary>
public sealed record PortfolioGrid(
    IReadOnlyList<Sizing> Sizing,
    IReadOnlyList<ExecutionModel> Execution,
    IReadOnlyList<double?> StopLoss,
    IReadOnlyList<double?> TakeProfit,
    IReadOnlyList<double?> MaxPositionFraction,
    IReadOnlyList<double?> MaxGrossExposure,
    IReadOnlyList<double?> MaxDrawdownHalt,
    double StartingCash = 10_000,
    int VolatilityLookback = 20)
{
    /// <summary>One fixed-fraction portfolio per strategy, no costs, no risk limits.</summary>
    public static PortfolioGrid Default { get; } = new(
        [new FixedFractionSizing(1)], [ExecutionModel.Default], [null], [null], [null], [null], [null]);
}

/// <summary>The built-in phase kinds (SPEC 8).</summary>
public enum PhaseKind
{
    /// <summary>Evaluate every configuration; keep the top K.</summary>
    Grid,

    /// <summary>Replay the incoming configurations once per regime of a classifier; keep the best per regime.</summary>
    Regime,

    /// <summary>Re-run the incoming configurations on a held-out range, optionally in walk-forward windows.</summary>
    Validate,

    /// <summary>
    /// Weigh the regime phase's bests per regime (a simplex grid of weights over each regime's best members) and keep
    /// the best regime-adaptive portfolios: each trades, in each regime, that regime's members with their weights.
    /// </summary>
    Ensemble,

    /// <summary>
    /// Re-optimize in rolling or anchored windows: in each, the inner phases run on the train span and their choice trades
    /// the test span after it; the test spans, chained, are one out-of-sample curve.
    /// </summary>
    WalkForward,
}

/// <summary>A phase kind's name in configurations and files (<c>grid</c>, <c>walk_forward</c>, ...) and back.</summary>
public static class PhaseKinds
{
    public static IReadOnlyDictionary<string, PhaseKind> ByName { get; } = new Dictionary<string, PhaseKind>(StringComparer.Ordinal)
    {
        ["grid"] = PhaseKind.Grid,
        ["regime"] = PhaseKind.Regime,
        ["validate"] = PhaseKind.Validate,
        ["ensemble"] = PhaseKind.Ensemble,
        ["walk_forward"] = PhaseKind.WalkForward,
    };

    public static string Name(this PhaseKind kind) => ByName.First(k => k.Value == kind).Key;

    /// <summary>Phases that search (each of their portfolios is a trial), as opposed to re-testing what was chosen.</summary>
    public static bool Searches(this PhaseKind kind) => kind is PhaseKind.Grid or PhaseKind.Regime or PhaseKind.Ensemble or PhaseKind.WalkForward;
}

/// <summary>
/// One phase (<c>phases:</c>): its name (a results folder), kind, objective and settings. Its trades.parquet holds the
/// trades of the portfolios it keeps (<c>store_trades: top</c>), or with <see cref="AllTrades"/> (<c>store_trades: all</c>)
/// every portfolio's. A grid phase estimates its Probability of Backtest Overfitting from <see cref="PboTrials"/> of its
/// portfolios (<c>pbo_trials</c>; 0 turns it off) in <see cref="PboPartitions"/> blocks of dates (<c>pbo_partitions</c>, S).
/// A regime phase hands on its best <see cref="PerRegime"/> per regime (<c>per_regime</c>); an ensemble phase weighs the best
/// <see cref="Members"/> of each regime (<c>members</c>) in steps of <see cref="WeightStep"/> (<c>weight_step</c>).
/// </summary>
public sealed record PhaseSection(
    string Name,
    PhaseKind Kind,
    Objective Objective,
    int Top = 10,
    DateRange? Range = null,
    string? Classifier = null,
    RegimeExit OnRegimeExit = RegimeExit.Hold,
    int WalkForwardWindows = 1,
    bool AllTrades = false,
    int PboTrials = PhaseSection.DefaultPboTrials,
    int PboPartitions = BacktestOverfitting.DefaultPartitions,
    int PerRegime = 1,
    int Members = 2,
    double WeightStep = 0.5,
    WalkForwardSpec? WalkForward = null)
{
    /// <summary>Enough trials for CSCV to rank the in-sample best among; replaying them costs a few percent of a large grid.</summary>
    public const int DefaultPboTrials = 200;
}

/// <summary><c>retention:</c> days each results class is kept; null keeps it.</summary>
public sealed record RetentionDays(int? Events = 7, int? Trades = 90, int? Metrics = 365, int? Summary = null)
{
    public static RetentionDays Default { get; } = new();
}
