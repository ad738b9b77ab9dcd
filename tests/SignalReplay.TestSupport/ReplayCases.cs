using SignalReplay.Core.Data;
using SignalReplay.Core.Generation;
using SignalReplay.Core.Synthetic;

namespace SignalReplay.TestSupport;

/// <summary>The series, strategies and classifiers the isomorphism tests replay, on synthetic and on real data.</summary>
public static class ReplayCases
{
    public sealed record Case(IReadOnlyList<BarSeries> Series, List<Strategy> Strategies, List<KeyValuePair<string, Classifier>> Classifiers);

    /// <summary>Three synthetic 1m series, five strategies (one multi-series), a trend classifier.</summary>
    public static Case Synthetic(int tradingDays, ulong seed)
    {
        var market = SyntheticMarket.Generate(SyntheticMarketOptions.Default with { TradingDays = tradingDays, Seed = seed });
        SeriesId a = SeriesId.Parse("SYNA_1m"), b = SeriesId.Parse("SYNB_1m"), c = SeriesId.Parse("SYNC_1m");
        return new Case(
            [.. market.Series.Take(3)],
            [
                DeciderCatalog.Strategy("momentum", [a], new Dictionary<string, double> { ["fast"] = 5, ["slow"] = 30 }),
                DeciderCatalog.Strategy("momentum", [b], new Dictionary<string, double> { ["fast"] = 10, ["slow"] = 60 }),
                DeciderCatalog.Strategy("mean_reversion", [c]),
                DeciderCatalog.Strategy("breakout", [a], new Dictionary<string, double> { ["length"] = 30 }),
                DeciderCatalog.Strategy("correlation_momentum", [a, b], new Dictionary<string, double> { ["lookback"] = 15 }),
            ],
            [
                new("trend", DeciderCatalog.Classifier("trend", [a])),
                new("volatility", DeciderCatalog.Classifier("volatility", [a])),
            ]);
    }

    /// <summary>The lean-minute real series (SPY, IBM, BAC, AIG with their gaps), five strategies, a trend classifier.</summary>
    public static Case LeanMinute()
    {
        string[] names = ["SPY_1m", "IBM_1m", "BAC_1m", "AIG_1m"];
        var series = names.Select(name => CsvBarReader.Read(SharedData.Require($"lean-minute/{name}.csv"), SeriesId.Parse(name))).ToList();
        SeriesId spy = series[0].Id, ibm = series[1].Id, bac = series[2].Id, aig = series[3].Id;
        return new Case(
            series,
            [
                DeciderCatalog.Strategy("momentum", [spy], new Dictionary<string, double> { ["fast"] = 5, ["slow"] = 20 }),
                DeciderCatalog.Strategy("momentum", [ibm], new Dictionary<string, double> { ["fast"] = 5, ["slow"] = 30 }),
                DeciderCatalog.Strategy("mean_reversion", [bac]),
                DeciderCatalog.Strategy("breakout", [aig], new Dictionary<string, double> { ["length"] = 15 }),
                DeciderCatalog.Strategy("correlation_momentum", [spy, ibm], new Dictionary<string, double> { ["lookback"] = 10, ["correlation_length"] = 30, ["min_correlation"] = 0 }),
            ],
            [new("trend", DeciderCatalog.Classifier("trend", [spy], new Dictionary<string, double> { ["fast"] = 10, ["slow"] = 40 }))]);
    }
}
