using SignalReplay.Core.Indices;
using static SignalReplay.Core.Tests.Indices.IndexGenerators;

namespace SignalReplay.Core.Tests.Indices;

public sealed class ClassifierChangeIndexTests
{
    [Fact]
    public void Dense_to_sparse_to_dense_is_the_identity()
    {
        Check(DenseRegimes, dense => ClassifierChangeIndex.FromDense("trend", dense).ToDense(dense.Length).SequenceEqual(dense));
    }

    [Fact]
    public void Sparse_to_dense_to_sparse_is_the_identity()
    {
        Check(DenseRegimes, dense =>
        {
            var sparse = ClassifierChangeIndex.FromDense("trend", dense);
            var again = ClassifierChangeIndex.FromDense("trend", sparse.ToDense(dense.Length));
            return again.BarIdx.SequenceEqual(sparse.BarIdx)
                && again.OldRegime.SequenceEqual(sparse.OldRegime)
                && again.NewRegime.SequenceEqual(sparse.NewRegime);
        });
    }

    [Fact]
    public void Regime_at_any_bar_equals_a_linear_scan()
    {
        Check(DenseRegimes, dense =>
        {
            var sparse = ClassifierChangeIndex.FromDense("trend", dense);
            return Enumerable.Range(0, dense.Length).All(bar => sparse.RegimeAt(bar) == dense[bar]);
        });
    }

    [Fact]
    public void Regime_ranges_hold_exactly_the_bars_in_the_allowed_regimes()
    {
        var allowed = new HashSet<string> { "A", "C" };
        Check(DenseRegimes, dense =>
        {
            var ranges = ClassifierChangeIndex.FromDense("trend", dense).RangesOf(allowed, dense.Length);
            var inRanges = Enumerable.Range(0, dense.Length).Where(bar => ranges.Any(range => range.Contains(bar)));
            var merged = ranges.Zip(ranges.Skip(1)).All(pair => pair.First.End < pair.Second.Start);
            return merged && inRanges.SequenceEqual(Enumerable.Range(0, dense.Length).Where(bar => dense[bar] is "A" or "C"));
        });
    }

    [Fact]
    public void Signals_within_allowed_regimes_equal_a_naive_filter()
    {
        var allowed = new HashSet<string> { "B" };
        var spy = SeriesId.Parse("SPY_1m");
        Check(DenseRegimes, regimesDense =>
        {
            // A target that flips every 7 bars gives signals all over the regimes.
            var targets = Enumerable.Range(0, regimesDense.Length).Select(bar => (bar / 7) % 2 == 0 ? 1.0 : -1.0).ToArray();
            var signals = SignalIndex.FromDense("s", spy, targets);
            var regimes = ClassifierChangeIndex.FromDense("trend", regimesDense);

            var selected = RegimeSelection.SignalsWithin(signals, regimes, allowed);

            var naive = Enumerable.Range(0, signals.Count).Where(row => regimesDense[signals.BarIdx[row]] == "B");
            return selected.SequenceEqual(naive);
        });
    }

    [Fact]
    public void A_regime_lasting_1000_bars_is_one_change()
    {
        var dense = Enumerable.Repeat<string?>("LOW", 1_000).Concat(Enumerable.Repeat<string?>("HIGH", 1_000)).ToArray();

        var sparse = ClassifierChangeIndex.FromDense("volatility", dense);

        Assert.Equal([0, 1_000], sparse.BarIdx.ToArray());
        Assert.Equal([null, "LOW"], sparse.OldRegime.ToArray());
        Assert.Equal(["LOW", "HIGH"], sparse.NewRegime.ToArray());
        Assert.Equal(["HIGH", "LOW"], sparse.Regimes);
    }

    [Fact]
    public void Going_back_to_no_regime_is_refused()
    {
        var error = Assert.Throws<ArgumentException>(() => ClassifierChangeIndex.FromDense("trend", ["A", null]));

        Assert.Contains("Classifier 'trend' went from 'A' back to no regime at bar 1", error.Message);
    }

    [Theory]
    [InlineData(new[] { 0, 0 }, new[] { null, "A" }, new[] { "A", "B" }, "row 1: bar_idx 0 is not after")]
    [InlineData(new[] { 0, 5 }, new[] { null, "C" }, new[] { "A", "B" }, "row 1: old_regime 'C' is not the previous row's new_regime 'A'")]
    [InlineData(new[] { 0 }, new[] { "A" }, new[] { "B" }, "row 0: old_regime 'A' is not the previous row's new_regime ''")]
    [InlineData(new[] { 0, 5 }, new[] { null, "A" }, new[] { "A", "A" }, "row 1: regime 'A' does not change")]
    public void A_broken_rule_is_refused_naming_the_classifier_and_row(int[] barIdx, string?[] oldRegime, string[] newRegime, string message)
    {
        var error = Assert.Throws<ArgumentException>(() => new ClassifierChangeIndex("trend", barIdx, oldRegime, newRegime));

        Assert.Contains("Classifier change index 'trend'", error.Message);
        Assert.Contains(message, error.Message);
    }
}
