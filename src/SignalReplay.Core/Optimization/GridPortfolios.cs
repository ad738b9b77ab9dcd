using System.Collections;
using SignalReplay.Core.Portfolio;

namespace SignalReplay.Core.Optimization;

/// <summary>
/// A portfolio of several strategy instances (SPEC 6), crossed with a grid's alternatives like one strategy: its
/// <see cref="Assignments"/> carry their weights and, in a regime-adaptive ensemble, each its own regimes of the
/// <see cref="RegimeFilter"/>'s classifier. <see cref="Name"/> stands for the strategy in its portfolios' ids.
/// </summary>
public sealed record Ensemble(string Name, IReadOnlyList<StrategyAssignment> Assignments, RegimeFilter? RegimeFilter = null);

/// <summary>
/// The portfolios of a grid (SPEC 8): every strategy instance, then every ensemble, crossed with every alternative of
/// <see cref="Grid"/>, the strategy varying slowest, then sizing, execution, stop-loss, take-profit,
/// max position, max gross exposure and drawdown halt. Configuration <c>i</c> is computed when asked for,
/// never stored, so a grid of a million portfolios costs nothing until its portfolios run; the portfolios of
/// one strategy (or ensemble) are <see cref="PerStrategy"/> consecutive indices.
/// </summary>
public sealed record GridPortfolios(
    IReadOnlyList<StrategyAssignment> Strategies,
    PortfolioGrid Grid,
    TraceRetention Tracing,
    TradingWindow? Window = null) : IReadOnlyList<PortfolioConfig>
{
    /// <summary>Portfolios per strategy instance or ensemble: the product of the grid's alternatives.</summary>
    public int PerStrategy { get; } = checked(
        Grid.Sizing.Count * Grid.Execution.Count * Grid.StopLoss.Count * Grid.TakeProfit.Count
        * Grid.MaxPositionFraction.Count * Grid.MaxGrossExposure.Count * Grid.MaxDrawdownHalt.Count);

    /// <summary>The ensembles, whose portfolios follow every single strategy's.</summary>
    public IReadOnlyList<Ensemble> Ensembles { get; init; } = [];

    /// <summary>The single strategies, then the ensembles: what each run of <see cref="PerStrategy"/> portfolios trades.</summary>
    public int Members => Strategies.Count + Ensembles.Count;

    public int Count => checked(Members * PerStrategy);

    public PortfolioConfig this[int index]
    {
        get
        {
            ArgumentOutOfRangeException.ThrowIfNegative(index);
            ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, Count);
            var member = index / PerStrategy;
            var rest = index % PerStrategy;
            var drawdown = Take(Grid.MaxDrawdownHalt, ref rest);
            var gross = Take(Grid.MaxGrossExposure, ref rest);
            var position = Take(Grid.MaxPositionFraction, ref rest);
            var takeProfit = Take(Grid.TakeProfit, ref rest);
            var stopLoss = Take(Grid.StopLoss, ref rest);
            var execution = Take(Grid.Execution, ref rest);
            var sizing = Take(Grid.Sizing, ref rest);
            var risk = new RiskLimits(position, gross, stopLoss, takeProfit, drawdown);
            var (name, assignments, filter) = member < Strategies.Count
                ? (Strategies[member].StrategyInstance, (IReadOnlyList<StrategyAssignment>)new[] { Strategies[member] }, null) // an array: run state stores it as JSON
                : (Ensembles[member - Strategies.Count].Name, Ensembles[member - Strategies.Count].Assignments, Ensembles[member - Strategies.Count].RegimeFilter);
            return new PortfolioConfig(
                TopologyBuilder.PortfolioId(name, sizing, execution, risk),
                assignments,
                sizing,
                execution,
                risk,
                filter,
                StartingCash: Grid.StartingCash,
                Tracing: Tracing,
                VolatilityLookback: Grid.VolatilityLookback,
                Window: Window);
        }
    }

    /// <summary>The strategy instances member <paramref name="member"/> (a single strategy or an ensemble) trades.</summary>
    public IEnumerable<string> InstancesOf(int member) => member < Strategies.Count
        ? [Strategies[member].StrategyInstance]
        : Ensembles[member - Strategies.Count].Assignments.Select(a => a.StrategyInstance);

    /// <summary>The same portfolios, each trading only inside <paramref name="window"/>.</summary>
    public GridPortfolios Within(TradingWindow? window) => this with { Window = window };

    public IEnumerator<PortfolioConfig> GetEnumerator()
    {
        for (var i = 0; i < Count; i++)
        {
            yield return this[i];
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>Refuses a grid whose portfolios would not all differ: a strategy or an alternative listed twice.</summary>
    public GridPortfolios Validate()
    {
        Distinct([.. Strategies.Select(s => s.StrategyInstance), .. Ensembles.Select(e => e.Name)], "strategy instance");
        Distinct(Grid.Sizing, "sizing");
        Distinct(Grid.Execution, "execution");
        Distinct(Grid.StopLoss, "stop_loss");
        Distinct(Grid.TakeProfit, "take_profit");
        Distinct(Grid.MaxPositionFraction, "max_position");
        Distinct(Grid.MaxGrossExposure, "max_gross_exposure");
        Distinct(Grid.MaxDrawdownHalt, "max_drawdown_halt");
        if (Count > 0)
        {
            this[0].Validate();
            for (var member = Strategies.Count; member < Members; member++)
            {
                this[member * PerStrategy].Validate();
            }
        }

        return this;
    }

    private void Distinct<T>(IEnumerable<T> values, string what)
    {
        var repeated = values.GroupBy(v => v).FirstOrDefault(g => g.Count() > 1);
        if (repeated is not null)
        {
            var example = this[Enumerable.Range(0, Count).First(i => Describes(this[i], repeated.Key))].Id;
            throw new ArgumentException($"The portfolio grid holds {example} {repeated.Count()} times: the {what} list repeats {repeated.Key?.ToString() ?? "none"}.");
        }
    }

    private static bool Describes<T>(PortfolioConfig config, T value) => value switch
    {
        string name => config.Id.StartsWith(name + "|", StringComparison.Ordinal),
        Sizing sizing => config.Sizing == sizing,
        ExecutionModel execution => config.Execution == execution,
        _ => true,
    };

    private static T Take<T>(IReadOnlyList<T> alternatives, ref int rest)
    {
        var value = alternatives[rest % alternatives.Count];
        rest /= alternatives.Count;
        return value;
    }
}
