namespace SignalReplay.Core.Indices;

/// <summary>Index-level regime queries: which signals fall while a classifier is in allowed regimes.</summary>
public static class RegimeSelection
{
    /// <summary>
    /// The rows of <paramref name="signals"/> whose bar lies in one of the <paramref name="allowed"/>
    /// regimes of <paramref name="regimes"/>, by one merge walk over both sorted indices.
    /// </summary>
    public static int[] SignalsWithin(SignalIndex signals, ClassifierChangeIndex regimes, IReadOnlySet<string> allowed)
    {
        var rows = new List<int>();
        var change = -1;
        for (var row = 0; row < signals.Count; row++)
        {
            var bar = signals.BarIdx[row];
            while (change + 1 < regimes.Count && regimes.BarIdx[change + 1] <= bar)
            {
                change++;
            }

            if (change >= 0 && allowed.Contains(regimes.NewRegime[change]))
            {
                rows.Add(row);
            }
        }

        return [.. rows];
    }
}
