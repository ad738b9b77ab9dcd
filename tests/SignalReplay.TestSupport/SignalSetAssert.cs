using SignalReplay.Core.Generation;

namespace SignalReplay.TestSupport;

/// <summary>Bit-for-bit comparison of two signal sets: every index, every column.</summary>
public static class SignalSetAssert
{
    public static void Same(SignalSet expected, SignalSet actual)
    {
        Assert.Equal(expected.BarsPerSeries.OrderBy(p => p.Key.ToString()), actual.BarsPerSeries.OrderBy(p => p.Key.ToString()));
        Assert.Equal(expected.Signals.Select(s => s.StrategyInstance), actual.Signals.Select(s => s.StrategyInstance));
        foreach (var (e, a) in expected.Signals.Zip(actual.Signals))
        {
            Assert.Equal(e.BarIdx.ToArray(), a.BarIdx.ToArray());
            Assert.Equal(e.Value.ToArray(), a.Value.ToArray());
            for (var r = 0; r < e.ReferencedSeries.Count; r++)
            {
                Assert.Equal(e.ReferencedBarIdx(r).ToArray(), a.ReferencedBarIdx(r).ToArray());
            }
        }

        foreach (var (e, a) in expected.ClassifierChanges.Zip(actual.ClassifierChanges, (e, a) => (e, a)))
        {
            Assert.Equal(e.BarIdx.ToArray(), a.BarIdx.ToArray());
            Assert.Equal(e.NewRegime.ToArray(), a.NewRegime.ToArray());
        }

        foreach (var (e, a) in expected.Alignments.Zip(actual.Alignments, (e, a) => (e, a)))
        {
            for (var s = 0; s < e.Series.Count; s++)
            {
                Assert.Equal(e.PrimaryBarIdx(s).ToArray(), a.PrimaryBarIdx(s).ToArray());
                Assert.Equal(e.SeriesBarIdx(s).ToArray(), a.SeriesBarIdx(s).ToArray());
            }
        }
    }
}
