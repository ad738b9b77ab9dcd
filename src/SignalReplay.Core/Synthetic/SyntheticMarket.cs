namespace SignalReplay.Core.Synthetic;

/// <summary>
/// A seeded multi-symbol market at 1 minute: a market factor switching between trending, choppy
/// and high-volatility regimes, symbols that follow it by their beta plus their own noise, weekday
/// sessions of 390 minutes, and thin names that skip minutes. Same options, same bytes.
/// </summary>
public static class SyntheticMarket
{
    private const long MillisPerMinute = 60_000;

    public static SyntheticMarketResult Generate(SyntheticMarketOptions options)
    {
        options.Validate();
        var random = new DeterministicRandom(options.Seed);
        var days = TradingDays(options.StartDate, options.TradingDays);
        var minutes = days.Count * SyntheticMarketOptions.MinutesPerSession;
        var minuteTimes = new long[minutes];
        var regimes = new MarketRegime[minutes];
        var symbols = options.Symbols.Select(symbol => new SymbolPath(symbol, minutes)).ToArray();

        var regime = new RegimeState(MarketRegime.Choppy, random);
        var marketLevel = 0.0;
        var minute = 0;
        foreach (var day in days)
        {
            var sessionOpen = new DateTimeOffset(day.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero).ToUnixTimeMilliseconds()
                + (SyntheticMarketOptions.SessionOpenMinute * MillisPerMinute);
            for (var m = 0; m < SyntheticMarketOptions.MinutesPerSession; m++, minute++)
            {
                regime.Step(options, random, marketLevel);
                var market = regime.MarketReturn(options, random, marketLevel);
                // The overnight move arrives with the first minute of the session.
                if (m == 0 && minute > 0)
                {
                    market += options.MarketVolatility * 8 * random.NextNormal();
                }

                marketLevel += market;
                minuteTimes[minute] = sessionOpen + (m * MillisPerMinute);
                regimes[minute] = regime.Current;
                foreach (var symbol in symbols)
                {
                    symbol.Step(random, minuteTimes[minute], m, market);
                }
            }
        }

        return new SyntheticMarketResult(
            symbols.Select(symbol => symbol.Build()).ToArray(),
            minuteTimes,
            regimes);
    }

    private static List<DateOnly> TradingDays(DateOnly start, int count)
    {
        var days = new List<DateOnly>(count);
        for (var day = start; days.Count < count; day = day.AddDays(1))
        {
            if (day.DayOfWeek is not (DayOfWeek.Saturday or DayOfWeek.Sunday))
            {
                days.Add(day);
            }
        }

        return days;
    }

    /// <summary>The Markov chain of market regimes and the market factor's return in each.</summary>
    private sealed class RegimeState(MarketRegime initial, DeterministicRandom random)
    {
        private double _trendSign = random.NextDouble() < 0.5 ? -1 : 1;
        private double _anchor;

        public MarketRegime Current { get; private set; } = initial;

        public void Step(SyntheticMarketOptions options, DeterministicRandom random, double level)
        {
            var meanMinutes = Current switch
            {
                MarketRegime.Trending => options.MeanTrendingMinutes,
                MarketRegime.Choppy => options.MeanChoppyMinutes,
                _ => options.MeanHighVolatilityMinutes,
            };
            var switchDraw = random.NextDouble();
            var targetDraw = random.NextDouble();
            var signDraw = random.NextDouble();
            if (switchDraw >= 1 / meanMinutes)
            {
                return;
            }

            // Move to one of the two other regimes with equal odds.
            var next = ((int)Current + 1 + (targetDraw < 0.5 ? 0 : 1)) % 3;
            Current = (MarketRegime)next;
            _trendSign = signDraw < 0.5 ? -1 : 1;
            _anchor = level;
        }

        public double MarketReturn(SyntheticMarketOptions options, DeterministicRandom random, double level)
        {
            var shock = random.NextNormal();
            return Current switch
            {
                MarketRegime.Trending => (_trendSign * options.TrendDrift) + (options.MarketVolatility * shock),
                MarketRegime.Choppy => (-options.ChoppyReversion * (level - _anchor)) + (0.6 * options.MarketVolatility * shock),
                _ => options.HighVolatilityMultiplier * options.MarketVolatility * shock,
            };
        }
    }

    /// <summary>One symbol's latent price and the bars printed from it.</summary>
    private sealed class SymbolPath(SyntheticSymbol symbol, int capacity)
    {
        private readonly List<long> _time = new(capacity);
        private readonly List<double> _open = new(capacity);
        private readonly List<double> _high = new(capacity);
        private readonly List<double> _low = new(capacity);
        private readonly List<double> _close = new(capacity);
        private readonly List<double> _volume = new(capacity);
        private double _logPrice = Math.Log(symbol.StartPrice);
        private double _lastPrinted = Cents(symbol.StartPrice);

        public void Step(DeterministicRandom random, long time, int minuteOfSession, double marketReturn)
        {
            // Every draw happens whether or not the minute prints, so thinness never shifts the stream.
            var own = random.NextNormal();
            var upWick = Math.Abs(random.NextNormal());
            var downWick = Math.Abs(random.NextNormal());
            var volumeNoise = random.NextNormal();
            var traded = random.NextDouble() >= symbol.Thinness;

            var logReturn = (symbol.Beta * marketReturn) + (symbol.IdiosyncraticVolatility * own);
            _logPrice += logReturn;
            if (!traded)
            {
                return;
            }

            var open = _lastPrinted;
            var close = Math.Max(0.01, Cents(Math.Exp(_logPrice)));
            var wick = Math.Max(symbol.IdiosyncraticVolatility, 0.0002) * 0.5;
            var high = Math.Max(Math.Max(open, close), Cents(Math.Max(open, close) * Math.Exp(wick * upWick)));
            var low = Math.Min(Math.Min(open, close), Math.Max(0.01, Cents(Math.Min(open, close) * Math.Exp(-wick * downWick))));

            // Busy at the open and the close, quiet at lunch, busier on big moves.
            var x = (minuteOfSession / (double)(SyntheticMarketOptions.MinutesPerSession - 1)) - 0.5;
            var profile = 0.6 + (4 * x * x);
            var volume = Math.Max(1, Math.Round(1_000 * profile * (1 + (200 * Math.Abs(logReturn))) * Math.Exp(0.3 * volumeNoise)));

            _time.Add(time);
            _open.Add(open);
            _high.Add(high);
            _low.Add(low);
            _close.Add(close);
            _volume.Add(volume);
            _lastPrinted = close;
        }

        public BarSeries Build() => new(
            new SeriesId(symbol.Symbol, Timeframe.OneMinute),
            [.. _time],
            [.. _open],
            [.. _high],
            [.. _low],
            [.. _close],
            [.. _volume]);

        private static double Cents(double price) => Math.Round(price, 2, MidpointRounding.ToEven);
    }
}

/// <summary>The generated 1-minute series (in the options' symbol order) and the market regime of every session minute.</summary>
public sealed record SyntheticMarketResult(IReadOnlyList<BarSeries> Series, long[] MinuteTimes, MarketRegime[] Regimes);
