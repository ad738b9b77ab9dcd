using SignalReplay.Core.Indices;
using static SignalReplay.Core.Tests.Indices.IndexGenerators;

namespace SignalReplay.Core.Tests.Indices;

public sealed class SignalIndexTests
{
    private static readonly SeriesId Spy = SeriesId.Parse("SPY_1m");

    [Fact]
    public void Dense_to_sparse_to_dense_is_the_identity()
    {
        Check(DenseTargets, dense => SignalIndex.FromDense("s", Spy, dense).ToDense(dense.Length).SequenceEqual(dense));
    }

    [Fact]
    public void Sparse_to_dense_to_sparse_is_the_identity()
    {
        Check(DenseTargets, dense =>
        {
            var sparse = SignalIndex.FromDense("s", Spy, dense);
            var again = SignalIndex.FromDense("s", Spy, sparse.ToDense(dense.Length));
            return again.BarIdx.SequenceEqual(sparse.BarIdx) && again.Value.SequenceEqual(sparse.Value);
        });
    }

    [Fact]
    public void Value_at_any_bar_equals_a_linear_scan()
    {
        Check(DenseTargets, dense =>
        {
            var sparse = SignalIndex.FromDense("s", Spy, dense);
            return Enumerable.Range(0, dense.Length).All(bar => sparse.ValueAt(bar) == LinearScan(sparse, bar));
        });
    }

    [Fact]
    public void A_target_held_for_300_bars_is_one_row()
    {
        var dense = new double[400];
        dense.AsSpan(50, 300).Fill(1);

        var sparse = SignalIndex.FromDense("momentum", Spy, dense);

        Assert.Equal([50, 350], sparse.BarIdx.ToArray());
        Assert.Equal([1.0, 0.0], sparse.Value.ToArray());
    }

    [Fact]
    public void The_builder_keeps_changes_only_and_treats_negative_zero_as_zero()
    {
        var builder = new SignalIndexBuilder("pairs", Spy, [SeriesId.Parse("QQQ_5m")]);

        Assert.False(builder.Record(0, -0.0, [-1]));
        Assert.True(builder.Record(3, 1, [0]));
        Assert.False(builder.Record(4, 1, [0]));
        Assert.True(builder.Record(9, -1, [1]));
        var index = builder.Build();

        Assert.Equal([3, 9], index.BarIdx.ToArray());
        Assert.Equal([0, 1], index.ReferencedBarIdx(0).ToArray());
        Assert.Equal(1, index.ValueAt(8));
        Assert.Equal(0, index.ValueAt(2));
    }

    [Theory]
    [InlineData(new[] { 3, 3 }, new[] { 1.0, -1.0 }, "row 1: bar_idx 3 is not after the previous row's 3")]
    [InlineData(new[] { 5, 2 }, new[] { 1.0, -1.0 }, "row 1: bar_idx 2 is not after the previous row's 5")]
    [InlineData(new[] { -1 }, new[] { 1.0 }, "row 0: bar_idx -1 is negative")]
    [InlineData(new[] { 0 }, new[] { 0.0 }, "row 0: value 0 is no change")]
    [InlineData(new[] { 0, 1 }, new[] { 1.0, 1.0 }, "row 1: value 1 is no change")]
    [InlineData(new[] { 0 }, new[] { 2.0 }, "row 0: value 2 is outside [-1, 1]")]
    [InlineData(new[] { 0 }, new[] { double.NaN }, "row 0: value NaN is outside [-1, 1]")]
    public void A_broken_rule_is_refused_naming_the_index_and_row(int[] barIdx, double[] value, string message)
    {
        var error = Assert.Throws<ArgumentException>(() => new SignalIndex("momentum(fast=10)", Spy, [], barIdx, value, []));

        Assert.Contains("Signal index 'momentum(fast=10)'", error.Message);
        Assert.Contains(message, error.Message);
    }

    [Fact]
    public void Columns_of_different_lengths_are_refused()
    {
        var error = Assert.Throws<ArgumentException>(() => new SignalIndex("s", Spy, [], [1, 2], [1.0], []));

        Assert.Contains("columns differ in length", error.Message);
    }

    [Fact]
    public void A_referenced_bar_going_back_in_time_is_refused()
    {
        var error = Assert.Throws<ArgumentException>(() =>
            new SignalIndex("s", Spy, [SeriesId.Parse("QQQ_5m")], [1, 2], [1.0, -1.0], [[4, 3]]));

        Assert.Contains("row 1: bar_idx 3 of referenced series QQQ_5m", error.Message);
    }

    private static double LinearScan(SignalIndex index, int bar)
    {
        var value = 0.0;
        for (var row = 0; row < index.Count && index.BarIdx[row] <= bar; row++)
        {
            value = index.Value[row];
        }

        return value;
    }
}
