using SignalReplay.Core.Features;

namespace SignalReplay.Core.Tests.Features;

/// <summary>
/// Each incremental feature against a straightforward recomputation over its whole window at every
/// bar, on real bars, including exactly where its first value appears.
/// </summary>
public sealed class FeatureTests
{
    private static BarSeries Real(string relative) =>
        CsvBarReader.Read(SharedData.Require(relative), SeriesId.Parse(Path.GetFileNameWithoutExtension(relative)));

    public static TheoryData<string> Series => ["lean-minute/SPY_1m.csv", "lean-daily/SPY_1d.csv", "backtesting-py/EURUSD_1h.csv"];

    private static void AssertMatches(BarSeries series, IBarFeature feature, Func<int, double?> expected, Func<IBarFeature, double>? output = null)
    {
        output ??= f => f.Value;
        for (var bar = 0; bar < series.Count; bar++)
        {
            feature.Update(series[bar]);
            var want = expected(bar);
            if (want is null)
            {
                Assert.False(feature.IsReady, $"bar {bar}: ready before its window is full");
                Assert.True(double.IsNaN(output(feature)), $"bar {bar}: a value before its window is full");
                continue;
            }

            Assert.True(feature.IsReady, $"bar {bar}: not ready");
            var got = output(feature);
            Assert.True(Math.Abs(got - want.Value) <= 1e-9 * Math.Max(1, Math.Abs(want.Value)), $"bar {bar}: {got} != {want}");
        }
    }

    private static double[] Closes(BarSeries s) => s.Close.ToArray();

    private static double Mean(IEnumerable<double> values) => values.Average();

    [Theory]
    [MemberData(nameof(Series))]
    public void Sma_is_the_mean_of_the_last_n_closes(string file)
    {
        var series = Real(file);
        var close = Closes(series);
        AssertMatches(series, new Sma(20), t => t < 19 ? null : Mean(close[(t - 19)..(t + 1)]));
    }

    [Theory]
    [MemberData(nameof(Series))]
    public void Ema_starts_at_the_sma_of_the_first_n_and_smooths_with_two_over_n_plus_one(string file)
    {
        var series = Real(file);
        var close = Closes(series);
        const int n = 12;
        var ema = new double?[close.Length];
        for (var t = n - 1; t < close.Length; t++)
        {
            ema[t] = t == n - 1 ? Mean(close[..n]) : ema[t - 1] + (2.0 / (n + 1) * (close[t] - ema[t - 1]));
        }

        AssertMatches(series, new Ema(n), t => ema[t]);
    }

    [Theory]
    [MemberData(nameof(Series))]
    public void Rsi_uses_wilder_smoothing_seeded_by_the_mean_of_the_first_n_changes(string file)
    {
        var series = Real(file);
        var close = Closes(series);
        const int n = 14;
        double?[] rsi = new double?[close.Length];
        double gain = 0, loss = 0;
        for (var t = n; t < close.Length; t++)
        {
            if (t == n)
            {
                gain = Mean(Enumerable.Range(1, n).Select(i => Math.Max(close[i] - close[i - 1], 0)));
                loss = Mean(Enumerable.Range(1, n).Select(i => Math.Max(close[i - 1] - close[i], 0)));
            }
            else
            {
                gain = ((gain * (n - 1)) + Math.Max(close[t] - close[t - 1], 0)) / n;
                loss = ((loss * (n - 1)) + Math.Max(close[t - 1] - close[t], 0)) / n;
            }

            rsi[t] = loss == 0 ? (gain == 0 ? 50 : 100) : 100 - (100 / (1 + (gain / loss)));
        }

        AssertMatches(series, new Rsi(n), t => rsi[t]);
    }

    [Theory]
    [MemberData(nameof(Series))]
    public void Atr_uses_wilder_smoothing_of_true_ranges_from_the_second_bar(string file)
    {
        var series = Real(file);
        const int n = 14;
        double TrueRange(int i) => new[]
        {
            series.High[i] - series.Low[i], Math.Abs(series.High[i] - series.Close[i - 1]), Math.Abs(series.Low[i] - series.Close[i - 1]),
        }.Max();
        var atr = new double?[series.Count];
        for (var t = n; t < series.Count; t++)
        {
            atr[t] = t == n ? Mean(Enumerable.Range(1, n).Select(TrueRange)) : ((atr[t - 1]!.Value * (n - 1)) + TrueRange(t)) / n;
        }

        AssertMatches(series, new Atr(n), t => atr[t]);
    }

    [Theory]
    [MemberData(nameof(Series))]
    public void Bollinger_bands_are_the_sma_plus_and_minus_k_population_deviations(string file)
    {
        var series = Real(file);
        var close = Closes(series);
        double? Band(int t, double sign)
        {
            if (t < 19)
            {
                return null;
            }

            var window = close[(t - 19)..(t + 1)];
            var mean = Mean(window);
            return mean + (sign * 2 * Math.Sqrt(window.Sum(x => (x - mean) * (x - mean)) / window.Length));
        }

        AssertMatches(series, new Bollinger(20, 2), t => Band(t, 1), f => ((Bollinger)f).Upper);
        AssertMatches(series, new Bollinger(20, 2), t => Band(t, -1), f => ((Bollinger)f).Lower);
    }

    [Theory]
    [MemberData(nameof(Series))]
    public void Volatility_is_the_sample_deviation_of_the_last_n_log_returns(string file)
    {
        var series = Real(file);
        var close = Closes(series);
        const int n = 30;
        AssertMatches(series, new LogReturnVolatility(n), t =>
        {
            if (t < n)
            {
                return null;
            }

            var returns = Enumerable.Range(t - n + 1, n).Select(i => Math.Log(close[i] / close[i - 1])).ToArray();
            var mean = Mean(returns);
            return Math.Sqrt(returns.Sum(r => (r - mean) * (r - mean)) / (n - 1));
        });
    }

    [Theory]
    [MemberData(nameof(Series))]
    public void Roc_compares_the_close_with_the_close_n_bars_ago(string file)
    {
        var series = Real(file);
        var close = Closes(series);
        AssertMatches(series, new Roc(10), t => t < 10 ? null : (close[t] / close[t - 10]) - 1);
    }

    [Theory]
    [MemberData(nameof(Series))]
    public void Donchian_is_the_highest_high_and_lowest_low_of_the_last_n_bars_including_this_one(string file)
    {
        var series = Real(file);
        var high = series.High.ToArray();
        var low = series.Low.ToArray();
        AssertMatches(series, new Donchian(20), t => t < 19 ? null : high[(t - 19)..(t + 1)].Max(), f => ((Donchian)f).Upper);
        AssertMatches(series, new Donchian(20), t => t < 19 ? null : low[(t - 19)..(t + 1)].Min(), f => ((Donchian)f).Lower);
    }

    [Fact]
    public void Correlation_is_pearson_of_the_last_n_aligned_log_returns()
    {
        var spy = Real("lean-daily/SPY_1d.csv");
        var qqq = Real("lean-daily/QQQ_1d.csv");
        var qqqByTime = Enumerable.Range(0, qqq.Count).ToDictionary(i => qqq.Time[i], i => qqq.Close[i]);
        var pairs = Enumerable.Range(0, spy.Count)
            .Where(i => qqqByTime.ContainsKey(spy.Time[i]))
            .Select(i => (X: spy.Close[i], Y: qqqByTime[spy.Time[i]]))
            .ToArray();
        const int n = 60;
        var correlation = new ReturnCorrelation(n);

        for (var t = 0; t < pairs.Length; t++)
        {
            correlation.Update(pairs[t].X, pairs[t].Y);
            if (t < n)
            {
                Assert.False(correlation.IsReady, $"slice {t}");
                continue;
            }

            var x = Enumerable.Range(t - n + 1, n).Select(i => Math.Log(pairs[i].X / pairs[i - 1].X)).ToArray();
            var y = Enumerable.Range(t - n + 1, n).Select(i => Math.Log(pairs[i].Y / pairs[i - 1].Y)).ToArray();
            var (mx, my) = (Mean(x), Mean(y));
            var expected = x.Zip(y).Sum(p => (p.First - mx) * (p.Second - my))
                / Math.Sqrt(x.Sum(v => (v - mx) * (v - mx)) * y.Sum(v => (v - my) * (v - my)));
            Assert.True(Math.Abs(correlation.Value - expected) <= 1e-9, $"slice {t}: {correlation.Value} != {expected}");
        }
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-3)]
    public void A_non_positive_length_is_refused_naming_the_feature(int length)
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new Sma(length));

        Assert.Contains("Feature sma: length must be a positive whole number", error.Message);
    }

    [Fact]
    public void A_non_positive_bollinger_width_is_refused()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new Bollinger(20, 0));

        Assert.Contains("Feature bollinger: width must be a positive number", error.Message);
    }
}
