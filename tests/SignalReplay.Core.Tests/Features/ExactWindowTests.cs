using System.Numerics;
using SignalReplay.Core.Features;
using SignalReplay.Core.Generation;

namespace SignalReplay.Core.Tests.Features;

/// <summary>
/// Every rolling feature on every bar of every file in <c>../shared/data</c>, against its window value
/// computed exactly: each double is an integer at a fixed binary scale, so sliding sums in
/// <see cref="BigInteger"/> are exact however long the series runs. SPEC 4: a rolling mean is as close to
/// the exact window mean as a double allows, and exact ties stay ties.
/// </summary>
public sealed class ExactWindowTests
{
    private const double Tolerance = 1e-12;

    public static TheoryData<string> Files()
    {
        var root = SharedData.Root;
        var files = new TheoryData<string>();
        foreach (var folder in new[] { "backtesting-py", "backtrader", "lean-daily", "lean-minute" })
        {
            var path = root is null ? null : Path.Combine(root, folder);
            foreach (var file in path is not null && Directory.Exists(path) ? Directory.GetFiles(path, "*.csv").Order(StringComparer.Ordinal).ToArray() : [])
            {
                files.Add($"{folder}/{Path.GetFileName(file)}");
            }
        }

        if (files.Count == 0)
        {
            files.Add("lean-daily/SPY_1d.csv"); // SharedData.Require then skips (fails in CI) with the reason
        }

        return files;
    }

    private static BarSeries Read(string relative) =>
        CsvBarReader.Read(SharedData.Require(relative), SeriesId.Parse(Path.GetFileNameWithoutExtension(relative)));

    private static int[] Lengths(int count) => [.. new[] { 2, 5, 10, 20, 25, 50, 200 }.Where(n => n < count)];

    [Theory]
    [MemberData(nameof(Files))]
    public void Sma_is_the_double_nearest_the_exact_window_mean(string file)
    {
        var close = Read(file).Close.ToArray();
        foreach (var n in Lengths(close.Length))
        {
            var sma = new Sma(n);
            var sum = BigInteger.Zero;
            for (var t = 0; t < close.Length; t++)
            {
                sma.Update(Bar(close[t]));
                sum += Exact.Of(close[t]) - (t >= n ? Exact.Of(close[t - n]) : BigInteger.Zero);
                if (t >= n - 1)
                {
                    // |sma * n - sum| <= n * ulp(sma) / 2: the nearest double, within half a unit in the last place.
                    var error = BigInteger.Abs((Exact.Of(sma.Value) * n) - sum);
                    Assert.True(error * 2 <= n * Exact.Ulp(sma.Value), $"{file} SMA({n}) at bar {t}: {sma.Value:R} is not the nearest double to the window mean");
                }
            }
        }
    }

    [Theory]
    [MemberData(nameof(Files))]
    public void Bollinger_bands_match_the_exact_window_mean_and_population_deviation(string file)
    {
        var close = Read(file).Close.ToArray();
        foreach (var n in Lengths(close.Length).Where(n => n >= 5))
        {
            var bands = new Bollinger(n, 2);
            var window = new ExactWindow(n);
            for (var t = 0; t < close.Length; t++)
            {
                bands.Update(Bar(close[t]));
                window.Push(close[t]);
                if (t < n - 1)
                {
                    continue;
                }

                var where = $"{file} Bollinger({n}, 2) at bar {t}";
                var mean = window.Mean;
                var deviation = Math.Sqrt(window.PopulationVariance);
                AssertClose(mean, bands.Value, where + " middle");
                AssertClose(mean + (2 * deviation), bands.Upper, where + " upper");
                AssertClose(mean - (2 * deviation), bands.Lower, where + " lower");
                if (window.IsFlat)
                {
                    Assert.True(bands.Upper == bands.Value && bands.Lower == bands.Value, $"{where}: a flat window has no width");
                }
            }
        }
    }

    [Theory]
    [MemberData(nameof(Files))]
    public void Volatility_matches_the_exact_sample_deviation_of_the_window_log_returns(string file)
    {
        var close = Read(file).Close.ToArray();
        foreach (var n in Lengths(close.Length - 1).Where(n => n >= 5))
        {
            var volatility = new LogReturnVolatility(n);
            var window = new ExactWindow(n);
            volatility.Update(Bar(close[0]));
            for (var t = 1; t < close.Length; t++)
            {
                volatility.Update(Bar(close[t]));
                window.Push(Math.Log(close[t] / close[t - 1]));
                if (t >= n)
                {
                    var where = $"{file} volatility({n}) at bar {t}";
                    if (window.IsFlat)
                    {
                        Assert.True(volatility.Value == 0, $"{where}: {volatility.Value:R} for returns that are all equal");
                        continue;
                    }

                    AssertClose(Math.Sqrt(window.SampleVariance), volatility.Value, where);
                }
            }
        }
    }

    [Theory]
    [MemberData(nameof(Files))]
    public void Correlation_matches_the_exact_pearson_of_the_window_log_returns(string file)
    {
        // Each file against the next one of its folder, slice by slice (the feature's math, not the alignment).
        var folder = Path.GetDirectoryName(SharedData.Require(file))!;
        var names = Directory.GetFiles(folder, "*.csv").Select(Path.GetFileName).Order(StringComparer.Ordinal).ToList();
        var partner = names[(names.IndexOf(Path.GetFileName(file)) + 1) % names.Count]!;
        var x = Read(file).Close.ToArray();
        var y = Read($"{Path.GetFileName(folder)}/{partner}").Close.ToArray();
        var count = Math.Min(x.Length, y.Length);
        foreach (var n in Lengths(count - 1).Where(n => n >= 5))
        {
            var correlation = new ReturnCorrelation(n);
            var exact = new ExactPairs(n);
            correlation.Update(x[0], y[0]);
            for (var t = 1; t < count; t++)
            {
                correlation.Update(x[t], y[t]);
                exact.Push(Math.Log(x[t] / x[t - 1]), Math.Log(y[t] / y[t - 1]));
                if (t >= n)
                {
                    var expected = exact.Correlation;
                    Assert.True(
                        Math.Abs(correlation.Value - expected) <= Tolerance,
                        $"{file}~{partner} correlation({n}) at slice {t}: {correlation.Value:R}, exactly {expected:R}");
                }
            }
        }
    }

    [Fact]
    public void Sma_5_and_25_tie_on_GOOG_2010_08_17_and_momentum_sees_no_cross_there()
    {
        var goog = Read("backtesting-py/GOOG_1d.csv");
        const int tie = 1509;
        Assert.Equal(new DateTimeOffset(2010, 8, 17, 0, 0, 0, TimeSpan.Zero).ToUnixTimeMilliseconds(), goog.Time[tie]);
        double fast = 0, slow = 0;
        Sma sma5 = new(5), sma25 = new(25);
        for (var t = 0; t <= tie; t++)
        {
            sma5.Update(goog[t]);
            sma25.Update(goog[t]);
            (fast, slow) = (sma5.Value, sma25.Value);
        }

        Assert.Equal(489.242, fast);
        Assert.Equal(489.242, slow);

        var momentum = DeciderCatalog.Strategy("momentum", [goog.Id], new Dictionary<string, double> { ["fast"] = 5, ["slow"] = 25 });
        var signals = SignalGeneration.Run([goog], [momentum], []).Signals.Single();
        Assert.DoesNotContain(tie, signals.BarIdx.ToArray());
        Assert.DoesNotContain(tie + 1, signals.BarIdx.ToArray());
    }

    private static void AssertClose(double expected, double actual, string where) =>
        Assert.True(
            Math.Abs(actual - expected) <= Tolerance * Math.Abs(expected),
            $"{where}: {actual:R}, exactly {expected:R} (relative error {Math.Abs(actual - expected) / Math.Abs(expected):E2})");

    private static Bar Bar(double close) => new(0, close, close, close, close, 0);

    /// <summary>Doubles as exact integers: every finite double is a whole multiple of 2^-1074.</summary>
    private static class Exact
    {
        public const int Scale = 1100;

        public static BigInteger Of(double value)
        {
            var bits = BitConverter.DoubleToInt64Bits(value);
            var exponent = (int)((bits >> 52) & 0x7FF);
            var mantissa = bits & 0xF_FFFF_FFFF_FFFFL;
            if (exponent == 0)
            {
                exponent = 1;
            }
            else
            {
                mantissa |= 1L << 52;
            }

            var magnitude = new BigInteger(mantissa) << (exponent - 1075 + Scale);
            return bits < 0 ? -magnitude : magnitude;
        }

        public static BigInteger Ulp(double value) => Of(Math.BitIncrement(Math.Abs(value))) - Of(Math.Abs(value));

        /// <summary><paramref name="numerator"/> / <paramref name="denominator"/> as a double (to far better than the tolerance).</summary>
        public static double Ratio(BigInteger numerator, BigInteger denominator)
        {
            if (numerator.IsZero)
            {
                return 0;
            }

            var shift = (int)(denominator.GetBitLength() - BigInteger.Abs(numerator).GetBitLength()) + 64;
            var quotient = shift >= 0 ? (numerator << shift) / denominator : numerator / (denominator << -shift);
            return (double)quotient * Math.Pow(2, -shift);
        }
    }

    /// <summary>Exact sliding sums of a window's values and squares.</summary>
    private sealed class ExactWindow(int n)
    {
        private readonly Queue<double> _values = new();
        private BigInteger _sum;
        private BigInteger _squares;

        public bool IsFlat => _values.Distinct().Count() == 1;

        public double Mean => Exact.Ratio(_sum, BigInteger.One << Exact.Scale) / n;

        // n^2 var = n S2 - S1^2, at scale 2^(2 Scale).
        public double PopulationVariance => Exact.Ratio((n * _squares) - (_sum * _sum), (BigInteger)n * n << (2 * Exact.Scale));

        public double SampleVariance => Exact.Ratio((n * _squares) - (_sum * _sum), (BigInteger)n * (n - 1) << (2 * Exact.Scale));

        public void Push(double value)
        {
            var exact = Exact.Of(value);
            (_sum, _squares) = (_sum + exact, _squares + (exact * exact));
            _values.Enqueue(value);
            if (_values.Count > n)
            {
                var old = Exact.Of(_values.Dequeue());
                (_sum, _squares) = (_sum - old, _squares - (old * old));
            }
        }
    }

    /// <summary>Exact sliding sums for a Pearson correlation of pairs.</summary>
    private sealed class ExactPairs(int n)
    {
        private readonly Queue<(BigInteger X, BigInteger Y)> _pairs = new();
        private BigInteger _x;
        private BigInteger _y;
        private BigInteger _xx;
        private BigInteger _yy;
        private BigInteger _xy;

        public double Correlation
        {
            get
            {
                var covariance = (n * _xy) - (_x * _y);
                var varianceX = (n * _xx) - (_x * _x);
                var varianceY = (n * _yy) - (_y * _y);
                if (varianceX.IsZero || varianceY.IsZero)
                {
                    return 0;
                }

                var scale = BigInteger.One << (2 * Exact.Scale);
                return Exact.Ratio(covariance, scale) / Math.Sqrt(Exact.Ratio(varianceX, scale) * Exact.Ratio(varianceY, scale));
            }
        }

        public void Push(double x, double y)
        {
            var pair = (Exact.Of(x), Exact.Of(y));
            Add(pair, 1);
            _pairs.Enqueue(pair);
            if (_pairs.Count > n)
            {
                Add(_pairs.Dequeue(), -1);
            }
        }

        private void Add((BigInteger X, BigInteger Y) pair, int sign)
        {
            _x += sign * pair.X;
            _y += sign * pair.Y;
            _xx += sign * pair.X * pair.X;
            _yy += sign * pair.Y * pair.Y;
            _xy += sign * pair.X * pair.Y;
        }
    }
}
