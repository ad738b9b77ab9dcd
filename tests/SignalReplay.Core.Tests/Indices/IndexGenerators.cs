using FsCheck;
using FsCheck.Fluent;

namespace SignalReplay.Core.Tests.Indices;

/// <summary>Random dense series built from runs, the shape real targets and regimes have.</summary>
internal static class IndexGenerators
{
    public static readonly Config Config = Config.QuickThrowOnFailure.WithMaxTest(300);

    /// <summary>Dense targets: runs of 1 to 60 bars of -1, -0.5, 0, 0.5 or 1; 0 to 2,000 bars.</summary>
    public static Arbitrary<double[]> DenseTargets { get; } = Arb.From(
        Gen.Choose(0, 60)
            .SelectMany(runs => Gen.ListOf(Gen.Zip(Gen.Elements(-1.0, -0.5, 0.0, 0.5, 1.0), Gen.Choose(1, 60)), runs))
            .Select(runs => runs.SelectMany(run => Enumerable.Repeat(run.Item1, run.Item2)).Take(2_000).ToArray()));

    /// <summary>Dense regimes: an unclassified warm-up, then runs of A, B or C.</summary>
    public static Arbitrary<string?[]> DenseRegimes { get; } = Arb.From(
        Gen.Zip(Gen.Choose(0, 30), Gen.Choose(0, 40))
            .SelectMany(shape => Gen.ListOf(Gen.Zip(Gen.Elements("A", "B", "C"), Gen.Choose(1, 80)), shape.Item2)
                .Select(runs => Enumerable.Repeat<string?>(null, shape.Item1)
                    .Concat(runs.SelectMany(run => Enumerable.Repeat<string?>(run.Item1, run.Item2)))
                    .Take(2_000)
                    .ToArray())));

    public static void Check<T>(Arbitrary<T> arbitrary, Func<T, bool> property) =>
        Prop.ForAll(arbitrary, property).Check(Config);
}
