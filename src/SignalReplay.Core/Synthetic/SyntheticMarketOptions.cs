namespace SignalReplay.Core.Synthetic;

/// <summary>The market regimes the synthetic generator switches between.</summary>
public enum MarketRegime
{
    Trending,
    Choppy,
    HighVolatility,
}

/// <summary>One synthetic symbol: its start price, how it follows the market, its own noise and how thinly it trades.</summary>
/// <param name="Symbol">The ticker, e.g. SYNA.</param>
/// <param name="StartPrice">The price before the first minute.</param>
/// <param name="Beta">Sensitivity of its 1-minute log return to the market factor's.</param>
/// <param name="IdiosyncraticVolatility">Standard deviation of its own 1-minute log return.</param>
/// <param name="Thinness">Probability that a minute has no trade, so no bar: gaps like a thin name's.</param>
public sealed record SyntheticSymbol(string Symbol, double StartPrice, double Beta, double IdiosyncraticVolatility, double Thinness);

/// <summary>What to generate: symbols, span and the regime model. <see cref="Default"/> is the demo's market.</summary>
public sealed record SyntheticMarketOptions
{
    /// <summary>Regular US session in UTC (EST-free on purpose: one fixed 13:30-20:00 window).</summary>
    public const int SessionOpenMinute = (13 * 60) + 30;
    public const int MinutesPerSession = 390;

    public static SyntheticMarketOptions Default { get; } = new();

    public ulong Seed { get; init; } = 42;

    public DateOnly StartDate { get; init; } = new(2024, 1, 2);

    public int TradingDays { get; init; } = 252;

    public IReadOnlyList<SyntheticSymbol> Symbols { get; init; } =
    [
        new("SYNA", 400, Beta: 1.0, IdiosyncraticVolatility: 0.0002, Thinness: 0),
        new("SYNB", 150, Beta: 1.2, IdiosyncraticVolatility: 0.0006, Thinness: 0.02),
        new("SYNC", 40, Beta: 0.8, IdiosyncraticVolatility: 0.0008, Thinness: 0.10),
        new("SYND", 25, Beta: 0.5, IdiosyncraticVolatility: 0.0010, Thinness: 0.30),
    ];

    /// <summary>Standard deviation of the market factor's 1-minute log return in normal conditions.</summary>
    public double MarketVolatility { get; init; } = 0.0005;

    /// <summary>Size of the market's 1-minute drift while trending (its sign is drawn on entry).</summary>
    public double TrendDrift { get; init; } = 0.00006;

    /// <summary>Pull back towards the level at which a choppy regime began, per minute.</summary>
    public double ChoppyReversion { get; init; } = 0.02;

    public double HighVolatilityMultiplier { get; init; } = 3;

    /// <summary>Mean length of each regime in session minutes (geometric durations).</summary>
    public double MeanTrendingMinutes { get; init; } = 1500;

    public double MeanChoppyMinutes { get; init; } = 1200;

    public double MeanHighVolatilityMinutes { get; init; } = 400;

    /// <summary>Throws an <see cref="ArgumentException"/> naming the first option that cannot work.</summary>
    public SyntheticMarketOptions Validate()
    {
        Require(TradingDays > 0, nameof(TradingDays), "must be positive");
        Require(Symbols.Count > 0, nameof(Symbols), "must name at least one symbol");
        Require(MarketVolatility is >= 0 and < 0.1, nameof(MarketVolatility), "must be in [0, 0.1)");
        Require(TrendDrift is >= 0 and < 0.01, nameof(TrendDrift), "must be in [0, 0.01)");
        Require(ChoppyReversion is >= 0 and <= 1, nameof(ChoppyReversion), "must be in [0, 1]");
        Require(HighVolatilityMultiplier >= 1, nameof(HighVolatilityMultiplier), "must be at least 1");
        Require(MeanTrendingMinutes >= 1, nameof(MeanTrendingMinutes), "must be at least 1");
        Require(MeanChoppyMinutes >= 1, nameof(MeanChoppyMinutes), "must be at least 1");
        Require(MeanHighVolatilityMinutes >= 1, nameof(MeanHighVolatilityMinutes), "must be at least 1");
        var duplicate = Symbols.GroupBy(s => s.Symbol).FirstOrDefault(group => group.Count() > 1);
        Require(duplicate is null, nameof(Symbols), $"names '{duplicate?.Key}' more than once");
        foreach (var symbol in Symbols)
        {
            var name = $"{nameof(Symbols)}[{symbol.Symbol}]";
            Require(Data.SeriesId.IsValidSymbol(symbol.Symbol), name, "is not a valid symbol (letters, digits, '.', '-')");
            Require(symbol.StartPrice is > 0.01 and < 1e7, $"{name}.{nameof(symbol.StartPrice)}", "must be in (0.01, 1e7)");
            Require(symbol.IdiosyncraticVolatility is >= 0 and < 0.1, $"{name}.{nameof(symbol.IdiosyncraticVolatility)}", "must be in [0, 0.1)");
            Require(symbol.Thinness is >= 0 and < 1, $"{name}.{nameof(symbol.Thinness)}", "must be in [0, 1)");
        }

        return this;
    }

    private static void Require(bool condition, string option, string rule)
    {
        if (!condition)
        {
            throw new ArgumentException($"Synthetic market option {option} {rule}.", option);
        }
    }
}
