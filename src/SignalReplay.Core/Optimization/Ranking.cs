using SignalReplay.Core.Portfolio;

namespace SignalReplay.Core.Optimization;

/// <summary>
/// How every phase ranks portfolios (SPEC 7): by objective score, larger first, ties in plan order. A portfolio
/// that made no trade, or whose objective is undefined (NaN), can never be a pick: it ranks below every number
/// and <see cref="Exclusion"/> says why. One rule for the shards' streamed ranks, the kept top-K and selection.
/// </summary>
public static class Ranking
{
    /// <summary>What a portfolio is ranked by: its score, or NaN (below every number) when it cannot be picked.</summary>
    public static double Key(double score, int trades) => trades == 0 ? double.NaN : score;

    /// <summary>Why a portfolio cannot be picked (<c>no trades</c>, <c>sharpe undefined</c>), or null when it can.</summary>
    public static string? Exclusion(double score, int trades, Objective objective) =>
        trades == 0 ? "no trades"
        : double.IsNaN(score) ? $"{objective.Metric} undefined"
        : null;

    /// <summary>
    /// Negative when (<paramref name="a"/>, at plan index <paramref name="ia"/>) ranks below <paramref name="b"/>:
    /// a smaller key (NaN below every number), or an equal key later in the plan.
    /// </summary>
    public static int Compare(double a, int ia, double b, int ib)
    {
        var byKey = a.CompareTo(b);
        return byKey != 0 ? byKey : ib.CompareTo(ia);
    }
}
