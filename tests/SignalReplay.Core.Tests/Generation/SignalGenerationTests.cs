using SignalReplay.Core.Generation;
using SignalReplay.Core.Indices;

namespace SignalReplay.Core.Tests.Generation;

public sealed class SignalGenerationTests
{
    private static readonly string[] LeanMinute = ["SPY_1m", "IBM_1m", "BAC_1m", "AIG_1m"];

    private static IReadOnlyList<BarSeries> Lean()
    {
        var minute = LeanMinute.Select(name => CsvBarReader.Read(SharedData.Require($"lean-minute/{name}.csv"), SeriesId.Parse(name))).ToList();
        minute.Add(Resampler.Resample(minute[2], Timeframe.Parse("5m"))); // BAC_5m
        return minute;
    }

    private static List<Strategy> Strategies() =>
    [
        DeciderCatalog.Strategy("momentum", [SeriesId.Parse("SPY_1m")], new Dictionary<string, double> { ["fast"] = 5, ["slow"] = 20 }),
        DeciderCatalog.Strategy("momentum", [SeriesId.Parse("IBM_1m")], new Dictionary<string, double> { ["fast"] = 10, ["slow"] = 30, ["long_only"] = 1 }),
        DeciderCatalog.Strategy("mean_reversion", [SeriesId.Parse("BAC_1m")]),
        DeciderCatalog.Strategy("breakout", [SeriesId.Parse("AIG_1m")], new Dictionary<string, double> { ["length"] = 15 }),
        DeciderCatalog.Strategy("correlation_momentum", [SeriesId.Parse("SPY_1m"), SeriesId.Parse("IBM_1m"), SeriesId.Parse("BAC_5m")],
            new Dictionary<string, double> { ["lookback"] = 10, ["correlation_length"] = 30, ["min_correlation"] = 0 }),
    ];

    private static List<KeyValuePair<string, Classifier>> Classifiers() =>
    [
        new("trend", DeciderCatalog.Classifier("trend", [SeriesId.Parse("SPY_1m")])),
        new("volatility", DeciderCatalog.Classifier("volatility", [SeriesId.Parse("SPY_1m")], new Dictionary<string, double> { ["length"] = 30 })),
    ];

    private static SignalSet Generate(IReadOnlyList<BarSeries> series, TimeSpan? window = null) =>
        SignalGeneration.Run(series, Strategies(), Classifiers(), new GenerationOptions { BatchWindow = window ?? TimeSpan.FromDays(1) });

    [Fact]
    public void Generation_on_real_gappy_minute_data_captures_signals_and_regime_changes()
    {
        var set = Generate(Lean());

        Assert.Equal(5, set.Signals.Count);
        Assert.All(set.Signals, index => Assert.True(index.Count > 0, $"{index.StrategyInstance} never signalled"));
        Assert.Equal(["trend", "volatility"], set.ClassifierChanges.Select(c => c.Classifier));
        Assert.All(set.ClassifierChanges, changes => Assert.Null(changes.OldRegime[0]));
        Assert.Equal(4_839, set.BarsPerSeries[SeriesId.Parse("SPY_1m")]);
        Assert.Single(set.Alignments);
    }

    [Fact]
    public void Rows_taken_while_generating_add_up_to_the_captured_set_each_row_once()
    {
        var market = SignalReplay.Core.Synthetic.SyntheticMarket.Generate(SignalReplay.Core.Synthetic.SyntheticMarketOptions.Default with { TradingDays = 5, Seed = 3 });
        var series = market.Series.Take(2).ToList();
        var ids = series.Select(s => s.Id).ToArray();
        var generator = new SignalGenerator(
            ids,
            [DeciderCatalog.Strategy("momentum", [ids[0]], new Dictionary<string, double> { ["fast"] = 3, ["slow"] = 12 }), DeciderCatalog.Strategy("breakout", [ids[1]], new Dictionary<string, double> { ["length"] = 10 })],
            [new("trend", DeciderCatalog.Classifier("trend", [ids[0]], new Dictionary<string, double> { ["fast"] = 5, ["slow"] = 20 }))]);
        var buffer = new TimeAlignmentBuffer(ids, 20_000);
        var signals = new Dictionary<string, List<(int, double)>>();
        var changes = new Dictionary<string, List<(int, string)>>();
        var takes = 0;
        foreach (var window in BarBatches.Windows(series, TimeSpan.FromDays(1)))
        {
            for (var s = 0; s < series.Count; s++)
            {
                buffer.Add(s, BarBatches.Slice(series[s], window), window.End, window.IsLast);
            }

            generator.Drain(buffer);
            var taken = generator.TakeCaptured();
            takes += taken.Signals.Count;
            foreach (var (strategy, barIdx, value) in taken.Signals)
            {
                (signals.TryGetValue(strategy, out var rows) ? rows : signals[strategy] = []).AddRange(barIdx.Zip(value));
            }

            foreach (var (classifier, barIdx, regime) in taken.Changes)
            {
                (changes.TryGetValue(classifier, out var rows) ? rows : changes[classifier] = []).AddRange(barIdx.Zip(regime));
            }
        }

        var set = generator.Build();
        Assert.True(takes > 2, "rows should arrive over several windows");
        Assert.All(set.Signals, index => Assert.True(index.Count > 0));
        Assert.All(set.ClassifierChanges, index => Assert.True(index.Count > 0));
        Assert.Empty(generator.TakeCaptured().Signals);
        Assert.All(set.Signals, index => Assert.Equal(index.BarIdx.ToArray().Zip(index.Value.ToArray()), signals[index.StrategyInstance]));
        Assert.All(set.ClassifierChanges, index => Assert.Equal(index.BarIdx.ToArray().Zip(index.NewRegime.ToArray()), changes[index.Classifier]));
    }

    [Fact]
    public void The_batch_window_changes_nothing_so_any_producer_batching_gives_the_same_bits()
    {
        var series = Lean();

        var daily = Generate(series, TimeSpan.FromDays(1));

        SignalSetAssert.Same(daily, Generate(series, TimeSpan.FromMinutes(7)));
        SignalSetAssert.Same(daily, Generate(series, TimeSpan.FromDays(30)));
    }

    [Fact]
    public void Changing_future_bars_changes_no_earlier_signal()
    {
        var series = Lean();
        var cut = series[0].Time[series[0].Count / 2];
        var perturbed = series.Select(s => Perturb(s, cut)).ToList();

        var original = Generate(series);
        var changed = Generate(perturbed);

        foreach (var (before, after) in original.Signals.Zip(changed.Signals))
        {
            var primary = series.Single(s => s.Id == before.PrimarySeries);
            var early = Enumerable.Range(0, before.Count).Where(r => primary.EndTime(before.BarIdx[r]) <= cut).ToList();
            Assert.Equal(early.Select(r => (before.BarIdx[r], before.Value[r])), early.Select(r => (after.BarIdx[r], after.Value[r])));
        }

        Assert.NotEqual(0, original.Signals.Sum(s => s.Count));
    }

    [Fact]
    public void A_multi_series_strategy_decides_only_once_every_series_has_a_bar()
    {
        var set = Generate(Lean());
        var multi = set.Signals.Single(s => s.StrategyInstance.StartsWith("correlation_momentum", StringComparison.Ordinal));

        // The primary first, the others by name, whatever order they were listed in.
        Assert.Equal("correlation_momentum(lookback=10,correlation_length=30,threshold=0,min_correlation=0)@SPY_1m+BAC_5m+IBM_1m", multi.StrategyInstance);
        Assert.Equal([SeriesId.Parse("BAC_5m"), SeriesId.Parse("IBM_1m")], multi.ReferencedSeries);
        Assert.All(Enumerable.Range(0, multi.Count), row =>
        {
            Assert.True(multi.ReferencedBarIdx(0)[row] >= 0);
            Assert.True(multi.ReferencedBarIdx(1)[row] >= 0);
        });
    }

    [Fact]
    public void Momentum_goes_long_on_the_bar_of_the_cross_and_short_on_the_mirror_cross()
    {
        var start = new DateTimeOffset(2024, 1, 2, 13, 30, 0, TimeSpan.Zero).ToUnixTimeMilliseconds();
        // Down for 10 bars, up for 10, down for 10 (never touching equality, which is no cross): fast SMA(2) crosses slow SMA(4) both ways.
        var closes = Enumerable.Range(0, 10).Select(i => 100.0 - i).Concat(Enumerable.Range(0, 10).Select(i => 91.0 + (2 * i))).Concat(Enumerable.Range(0, 10).Select(i => 108.0 - (2 * i))).ToArray();
        var bars = closes.Select((c, i) => new Bar(start + (i * 60_000L), c, c + 0.5, c - 0.5, c, 1)).ToList();
        var series = BarSeries.FromBars(SeriesId.Parse("SYN_1m"), bars);
        var momentum = DeciderCatalog.Strategy("momentum", [series.Id], new Dictionary<string, double> { ["fast"] = 2, ["slow"] = 4 });

        var set = SignalGeneration.Run([series], [momentum], []);

        var signals = set.Signals.Single();
        Assert.Equal([1.0, -1.0], signals.Value.ToArray());
        var dense = signals.ToDense(series.Count);
        var fast = Enumerable.Range(0, series.Count).Select(t => t < 1 ? double.NaN : (closes[t] + closes[t - 1]) / 2).ToArray();
        var slow = Enumerable.Range(0, series.Count).Select(t => t < 3 ? double.NaN : closes[(t - 3)..(t + 1)].Average()).ToArray();
        var firstUp = Enumerable.Range(4, series.Count - 4).First(t => fast[t - 1] < slow[t - 1] && fast[t] > slow[t]);
        Assert.Equal(firstUp, signals.BarIdx[0]);
        Assert.All(dense[..firstUp], target => Assert.Equal(0, target));
    }

    [Fact]
    public void Signal_events_carry_their_bar_and_are_exactly_the_captured_changes()
    {
        var series = Lean();
        var events = new List<SignalEvent>();
        var ids = series.Select(s => s.Id).ToArray();
        var buffer = new TimeAlignmentBuffer(ids, 20_000);
        var generator = new SignalGenerator(ids, Strategies(), Classifiers(), events.Add);
        for (var s = 0; s < series.Count; s++)
        {
            buffer.Add(s, Enumerable.Range(0, series[s].Count).Select(i => series[s][i]).ToArray(), complete: true);
        }

        generator.Drain(buffer);
        var set = generator.Build();

        foreach (var index in set.Signals)
        {
            var mine = events.Where(e => e.StrategyInstance == index.StrategyInstance).ToList();
            Assert.Equal(index.BarIdx.ToArray(), mine.Select(e => e.BarIdx));
            Assert.Equal(index.Value.ToArray(), mine.Select(e => e.Value));
            var primary = series.Single(s => s.Id == index.PrimarySeries);
            Assert.All(mine, e =>
            {
                Assert.Equal(primary[e.BarIdx], e.Bar);
                Assert.Equal(primary.EndTime(e.BarIdx), e.EndTime);
            });
        }

        Assert.Equal(set.Signals.Sum(s => s.Count), events.Count);
    }

    [Fact]
    public void A_strategy_sees_a_gap_as_a_stale_bar()
    {
        var start = new DateTimeOffset(2024, 1, 2, 13, 30, 0, TimeSpan.Zero).ToUnixTimeMilliseconds();
        var a = BarSeries.FromBars(SeriesId.Parse("AAA_1m"), [.. Enumerable.Range(0, 5).Select(i => new Bar(start + (i * 60_000L), 10, 10, 10, 10, 1))]);
        var b = BarSeries.FromBars(SeriesId.Parse("BBB_1m"), [new Bar(start, 10, 10, 10, 10, 1), new Bar(start + (3 * 60_000L), 10, 10, 10, 10, 1)]);
        var probe = new StaleProbe([a.Id, b.Id]);

        SignalGeneration.Run([a, b], [probe], []);

        Assert.Equal([false, true, true, false, true], probe.Seen);
    }

    [Theory]
    [InlineData("AAA_1m", "BBB_1m")]
    [InlineData("BBB_1m", "AAA_1m")]
    public void A_strategy_sees_every_series_bar_of_its_slice_whichever_series_is_listed_first(string first, string second)
    {
        // AAA and BBB end bars at the same minutes. The correlation of AAA's returns with BBB's over 3 pairs
        // must pair each AAA bar with BBB's bar of the same slice, never with BBB's previous one.
        var start = new DateTimeOffset(2024, 1, 2, 13, 30, 0, TimeSpan.Zero).ToUnixTimeMilliseconds();
        double[] closesA = [10, 11, 10.5, 12, 11, 11.5];
        double[] closesB = [20, 21, 23, 22, 22.5, 24];
        BarSeries Series(string name, double[] closes) =>
            BarSeries.FromBars(SeriesId.Parse(name), [.. closes.Select((c, i) => new Bar(start + (i * 60_000L), c, c, c, c, 1))]);
        var series = new Dictionary<string, BarSeries> { ["AAA_1m"] = Series("AAA_1m", closesA), ["BBB_1m"] = Series("BBB_1m", closesB) };
        var probe = new CorrelationProbe(SeriesId.Parse("AAA_1m"), SeriesId.Parse("BBB_1m"), 3);

        SignalGeneration.Run([series[first], series[second]], [probe], []);

        // By hand: Pearson of the last 3 log-return pairs, first available at the 4th bar.
        double[] Returns(double[] closes) => [.. closes.Skip(1).Select((c, i) => Math.Log(c / closes[i]))];
        var (x, y) = (Returns(closesA), Returns(closesB));
        double Pearson(int end)
        {
            var (xs, ys) = (x[(end - 2)..(end + 1)], y[(end - 2)..(end + 1)]);
            var (mx, my) = (xs.Average(), ys.Average());
            var cov = xs.Zip(ys).Sum(p => (p.First - mx) * (p.Second - my));
            return cov / Math.Sqrt(xs.Sum(v => (v - mx) * (v - mx)) * ys.Sum(v => (v - my) * (v - my)));
        }

        Assert.Equal(6, probe.Seen.Count);
        Assert.All(probe.Seen.Take(3), value => Assert.True(double.IsNaN(value)));
        for (var bar = 3; bar < 6; bar++)
        {
            Assert.Equal(Pearson(bar - 1), probe.Seen[bar], 1e-12);
        }
    }

    [Fact]
    public void A_multi_series_instance_is_named_by_its_primary_then_its_other_series_by_name()
    {
        SeriesId[] listed = [SeriesId.Parse("SPY_1d"), SeriesId.Parse("QQQ_1d"), SeriesId.Parse("IWM_1d")];
        SeriesId[] reordered = [SeriesId.Parse("SPY_1d"), SeriesId.Parse("IWM_1d"), SeriesId.Parse("QQQ_1d")];

        var a = DeciderCatalog.Strategy("correlation_momentum", listed);
        var b = DeciderCatalog.Strategy("correlation_momentum", reordered);

        Assert.Equal(a.InstanceId, b.InstanceId);
        Assert.EndsWith("@SPY_1d+IWM_1d+QQQ_1d", a.InstanceId);
        Assert.Equal(a.Features.Select(f => f.Key), b.Features.Select(f => f.Key));
        // The traded series is the first listed of the fastest timeframe: listing QQQ first trades QQQ.
        Assert.Equal(SeriesId.Parse("QQQ_1d"), DeciderCatalog.Strategy("correlation_momentum", [listed[1], listed[0], listed[2]]).Primary);
    }

    [Fact]
    public void Unknown_strategies_classifiers_and_parameters_are_refused_by_name()
    {
        var spy = SeriesId.Parse("SPY_1m");

        Assert.Contains("Unknown strategy 'momentum2'; known strategies are breakout, correlation_momentum, mean_reversion, momentum",
            Assert.Throws<ArgumentException>(() => DeciderCatalog.Strategy("momentum2", [spy])).Message);
        Assert.Contains("Unknown classifier 'regime'",
            Assert.Throws<ArgumentException>(() => DeciderCatalog.Classifier("regime", [spy])).Message);
        Assert.Contains("momentum: unknown parameter(s) 'fats'",
            Assert.Throws<ArgumentException>(() => DeciderCatalog.Strategy("momentum", [spy], new Dictionary<string, double> { ["fats"] = 3 })).Message);
        Assert.Contains("parameter 'fast' (50) must be below 'slow' (20)",
            Assert.Throws<ArgumentException>(() => DeciderCatalog.Strategy("momentum", [spy], new Dictionary<string, double> { ["fast"] = 50, ["slow"] = 20 })).Message);
        Assert.Contains("parameter 'length' must be a whole number",
            Assert.Throws<ArgumentException>(() => DeciderCatalog.Strategy("breakout", [spy], new Dictionary<string, double> { ["length"] = 2.5 })).Message);
    }

    [Fact]
    public void A_strategy_reading_a_series_the_run_lacks_is_refused()
    {
        var spy = BarSeries.FromBars(SeriesId.Parse("SPY_1m"), [new Bar(0, 1, 1, 1, 1, 1)]);
        var strategy = DeciderCatalog.Strategy("momentum", [SeriesId.Parse("QQQ_1m")]);

        var error = Assert.Throws<ArgumentException>(() => SignalGeneration.Run([spy], [strategy], []));

        Assert.Contains("reads series QQQ_1m, which the run does not have; it has SPY_1m", error.Message);
    }

    [Fact]
    public void An_unknown_feature_is_refused_with_the_known_ones()
    {
        var error = Assert.Throws<ArgumentException>(() => FeatureCatalog.Validate(new FeatureRequest("macd", SeriesId.Parse("SPY_1m"), [12])));

        Assert.Contains("Unknown feature 'macd'; known features are atr, bollinger, correlation", error.Message);
    }

    private static BarSeries Perturb(BarSeries series, long cut)
    {
        var bars = Enumerable.Range(0, series.Count).Select(i =>
        {
            var bar = series[i];
            return series.EndTime(i) <= cut ? bar : bar with { Open = bar.Open * 1.3, High = bar.High * 1.3, Low = bar.Low * 1.3, Close = bar.Close * 1.3 };
        }).ToList();
        return BarSeries.FromBars(series.Id, bars);
    }

    /// <summary>Records what the context says about its second series' staleness at each decision.</summary>
    private sealed class StaleProbe(IReadOnlyList<SeriesId> series) : Strategy("stale_probe", series, new Parameters("stale_probe", new Dictionary<string, double>()))
    {
        public List<bool> Seen { get; } = [];

        public override IReadOnlyList<FeatureRequest> Features => [];

        public override double Decide(DecisionContext context)
        {
            Seen.Add(context.IsStale(1));
            return 0;
        }
    }

    /// <summary>Records the correlation feature it reads at each decision.</summary>
    private sealed class CorrelationProbe(SeriesId primary, SeriesId other, int length)
        : Strategy("correlation_probe", [primary, other], new Parameters("correlation_probe", new Dictionary<string, double>()))
    {
        public List<double> Seen { get; } = [];

        public override IReadOnlyList<FeatureRequest> Features { get; } = [new FeatureRequest("correlation", primary, [length], Other: other)];

        public override double Decide(DecisionContext context)
        {
            Seen.Add(context.Feature(0));
            return 0;
        }
    }
}
