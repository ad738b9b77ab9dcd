using SignalReplay.Core.Synthetic;

namespace SignalReplay.Core.Tests.Synthetic;

public sealed class SyntheticMarketTests
{
    private static readonly SyntheticMarketOptions Month = SyntheticMarketOptions.Default with { TradingDays = 21 };

    // One full year is generated once for the statistical tests.
    private static readonly Lazy<SyntheticMarketResult> Year = new(() => SyntheticMarket.Generate(SyntheticMarketOptions.Default));

    [Fact]
    public void The_same_seed_gives_the_same_bars()
    {
        var first = SyntheticMarket.Generate(Month);
        var second = SyntheticMarket.Generate(Month);

        Assert.Equal(first.Series.Select(s => s.ContentHash()), second.Series.Select(s => s.ContentHash()));
        Assert.Equal(first.Regimes, second.Regimes);
    }

    [Fact]
    public void Another_seed_gives_other_bars()
    {
        var first = SyntheticMarket.Generate(Month);
        var other = SyntheticMarket.Generate(Month with { Seed = 43 });

        Assert.All(first.Series.Zip(other.Series), pair => Assert.NotEqual(pair.First.ContentHash(), pair.Second.ContentHash()));
    }

    [Fact]
    public void The_generator_output_is_pinned()
    {
        // Changing these hashes is a deliberate change of the synthetic data: every stored demo
        // dataset and signal set built from it changes too.
        var market = SyntheticMarket.Generate(SyntheticMarketOptions.Default with { TradingDays = 5 });

        Assert.Equal(
            ["fa8a736e93f8b61e", "2513122f2d52c3e3", "6d389b26bead4922", "a115a8c44b057962"],
            market.Series.Select(s => s.ContentHash()[..16]));
    }

    [Fact]
    public void Every_bar_keeps_the_bar_rules()
    {
        foreach (var series in Year.Value.Series)
        {
            for (var i = 0; i < series.Count; i++)
            {
                Assert.Null(BarRules.Check(series[i]));
                if (i > 0)
                {
                    Assert.Null(BarRules.CheckOrder(series.Time[i - 1], series.Time[i], $"row {i - 1}"));
                }
            }
        }
    }

    [Fact]
    public void Bars_fall_only_in_weekday_sessions_from_13_30_to_20_00_utc()
    {
        foreach (var series in Year.Value.Series)
        {
            for (var i = 0; i < series.Count; i++)
            {
                var start = DateTimeOffset.FromUnixTimeMilliseconds(series.Time[i]);
                Assert.True(start.DayOfWeek is not (DayOfWeek.Saturday or DayOfWeek.Sunday), $"{series.Id} bar {i} on a {start.DayOfWeek}");
                var minuteOfDay = (start.Hour * 60) + start.Minute;
                Assert.InRange(minuteOfDay, (13 * 60) + 30, (20 * 60) - 1);
            }
        }

        Assert.Equal(252 * 390, Year.Value.Series[0].Count);
    }

    [Fact]
    public void Thin_symbols_skip_minutes_that_liquid_ones_trade()
    {
        var counts = Year.Value.Series.ToDictionary(s => s.Id.Symbol, s => s.Count);

        Assert.True(counts["SYND"] < counts["SYNC"] && counts["SYNC"] < counts["SYNB"] && counts["SYNB"] < counts["SYNA"]);
        Assert.InRange(counts["SYND"] / (double)counts["SYNA"], 0.67, 0.73);
    }

    [Fact]
    public void Symbols_move_together_as_their_betas_say()
    {
        var a = Year.Value.Series[0];
        var b = Year.Value.Series[1];

        var correlation = ReturnCorrelation(a, b);

        // SYNB = 1.2 x market + 0.0006 noise; SYNA = 1.0 x market + 0.0002 noise; market vol ~0.0005 to 0.0015.
        Assert.InRange(correlation, 0.6, 0.99);
    }

    [Fact]
    public void All_three_regimes_occur_and_high_volatility_is_wilder_than_choppy()
    {
        var market = Year.Value;
        var spy = market.Series[0];
        Assert.Equal(market.MinuteTimes.Length, spy.Count);

        var byRegime = Enum.GetValues<MarketRegime>().ToDictionary(regime => regime, _ => new List<double>());
        for (var i = 1; i < spy.Count; i++)
        {
            if (market.Regimes[i] == market.Regimes[i - 1] && spy.Time[i] - spy.Time[i - 1] == 60_000)
            {
                byRegime[market.Regimes[i]].Add(Math.Log(spy.Close[i] / spy.Close[i - 1]));
            }
        }

        Assert.All(byRegime, pair => Assert.True(pair.Value.Count > 1_000, $"{pair.Key}: {pair.Value.Count} minutes"));
        Assert.True(StandardDeviation(byRegime[MarketRegime.HighVolatility]) > 2 * StandardDeviation(byRegime[MarketRegime.Choppy]));
    }

    [Theory]
    [InlineData("TradingDays", 0)]
    [InlineData("MarketVolatility", -1)]
    [InlineData("HighVolatilityMultiplier", 0.5)]
    public void Options_that_cannot_work_are_refused_by_name(string option, double value)
    {
        var options = option switch
        {
            "TradingDays" => Month with { TradingDays = (int)value },
            "MarketVolatility" => Month with { MarketVolatility = value },
            _ => Month with { HighVolatilityMultiplier = value },
        };

        var error = Assert.Throws<ArgumentException>(() => SyntheticMarket.Generate(options));

        Assert.Contains($"option {option} ", error.Message);
    }

    [Fact]
    public void A_symbol_with_a_bad_thinness_is_refused_by_name()
    {
        var options = Month with { Symbols = [new SyntheticSymbol("SYNA", 100, 1, 0.001, Thinness: 1)] };

        var error = Assert.Throws<ArgumentException>(() => SyntheticMarket.Generate(options));

        Assert.Contains("Symbols[SYNA].Thinness", error.Message);
    }

    private static double ReturnCorrelation(BarSeries a, BarSeries b)
    {
        var closeB = new Dictionary<long, double>();
        for (var i = 0; i < b.Count; i++)
        {
            closeB[b.Time[i]] = b.Close[i];
        }

        var x = new List<double>();
        var y = new List<double>();
        for (var i = 1; i < a.Count; i++)
        {
            if (closeB.TryGetValue(a.Time[i], out var now) && closeB.TryGetValue(a.Time[i - 1], out var before))
            {
                x.Add(Math.Log(a.Close[i] / a.Close[i - 1]));
                y.Add(Math.Log(now / before));
            }
        }

        var meanX = x.Average();
        var meanY = y.Average();
        var covariance = x.Zip(y).Sum(p => (p.First - meanX) * (p.Second - meanY));
        return covariance / Math.Sqrt(x.Sum(v => (v - meanX) * (v - meanX)) * y.Sum(v => (v - meanY) * (v - meanY)));
    }

    private static double StandardDeviation(List<double> values)
    {
        var mean = values.Average();
        return Math.Sqrt(values.Sum(v => (v - mean) * (v - mean)) / (values.Count - 1));
    }
}
