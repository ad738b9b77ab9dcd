using SignalReplay.Abstractions;
using SignalReplay.Core.Generation;
using SignalReplay.Core.Portfolio;

namespace SignalReplay.Grains.Replay;

/// <summary>
/// The portfolio side of a replay or full run: checks the portfolios against what the run's source can
/// give them, starts one grain per portfolio, and collects their summaries. Both sources publish the
/// same streams, so the portfolios cannot tell them apart.
/// </summary>
internal sealed class PortfolioRun
{
    private readonly IPortfolioGrain[] _grains;

    private PortfolioRun(IPortfolioGrain[] grains) => _grains = grains;

    /// <summary>The strategies some portfolio trades and the classifiers some portfolio filters on: the streams worth publishing.</summary>
    public static (string[] Strategies, string[] Classifiers) Streams(IReadOnlyList<PortfolioWire> portfolios) =>
        ([.. portfolios.SelectMany(p => p.Assignments).Select(a => a.StrategyInstance).Distinct().Order(StringComparer.Ordinal)],
         [.. portfolios.Select(p => p.RegimeClassifier).OfType<string>().Distinct().Order(StringComparer.Ordinal)]);

    /// <summary>
    /// Checks every portfolio before any grain starts: it parses, names only strategies in <paramref name="strategies"/>
    /// and filters only on classifiers in <paramref name="classifierSeries"/>; <paramref name="source"/> names them in errors.
    /// </summary>
    public static void Validate(
        IReadOnlyList<PortfolioWire> portfolios,
        IReadOnlyCollection<string> strategies,
        IReadOnlyDictionary<string, SeriesId> classifierSeries,
        string source,
        string objective)
    {
        foreach (var portfolio in portfolios)
        {
            var unknown = portfolio.Assignments.FirstOrDefault(a => !strategies.Contains(a.StrategyInstance));
            if (unknown is not null)
            {
                throw new ArgumentException(
                    $"Portfolio '{portfolio.Id}' names strategy '{unknown.StrategyInstance}', which {source} does not hold; it holds {string.Join(", ", strategies)}.");
            }

            if (portfolio.RegimeClassifier is { } classifier && !classifierSeries.ContainsKey(classifier))
            {
                throw new ArgumentException(
                    $"Portfolio '{portfolio.Id}' filters on classifier '{classifier}', which {source} does not hold; it holds {string.Join(", ", classifierSeries.Keys.Order(StringComparer.Ordinal))}.");
            }

            PortfolioWires.ToConfig(portfolio);
        }

        Objective.Parse(objective);
    }

    /// <summary>Starts (and subscribes) one grain per portfolio, keyed <c>{run}/{portfolio}</c>.</summary>
    public static async Task<PortfolioRun> StartAsync(
        IGrainFactory grains,
        string run,
        string dataset,
        IReadOnlyList<PortfolioWire> portfolios,
        IReadOnlyDictionary<string, SeriesId> classifierSeries,
        string objective,
        bool details)
    {
        var started = portfolios.Select(p => grains.GetGrain<IPortfolioGrain>($"{run}/{p.Id}")).ToArray();
        await Task.WhenAll(started.Select((grain, i) => grain.StartAsync(new PortfolioStart(
            dataset,
            portfolios[i],
            portfolios[i].RegimeClassifier is { } classifier ? classifierSeries[classifier].ToString() : null,
            objective,
            details))));
        return new PortfolioRun(started);
    }

    /// <summary>Waits for every portfolio to see its streams complete; summaries in the order the portfolios were given.</summary>
    public Task<PortfolioSummary[]> CompleteAsync() => Task.WhenAll(_grains.Select(p => p.CompleteAsync()));
}
