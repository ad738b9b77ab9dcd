using System.Globalization;

namespace SignalReplay.Storage.Results;

/// <summary>
/// A grid phase's best score over two strategy parameters: for each (x, y) the highest score of the portfolios with those values
/// (whatever their other settings), NaN where none has them, from metrics.parquet's parameter columns.
/// </summary>
public sealed record GridHeatmap(string Phase, string X, string Y, IReadOnlyList<double> XValues, IReadOnlyList<double> YValues, double[,] Best)
{
    /// <summary>
    /// The heatmap of <paramref name="rows"/> over <paramref name="x"/> and <paramref name="y"/>; by default the two varying parameters
    /// that most rows both have (two of one strategy), the more varied first. Null when no two varying parameters share a row; a named
    /// parameter the rows lack is an error listing those they have.
    /// </summary>
    public static GridHeatmap? Of(string phase, IReadOnlyList<MetricsRow> rows, string? x = null, string? y = null)
    {
        var varying = rows.SelectMany(r => r.Parameters).GroupBy(p => p.Key, StringComparer.Ordinal)
            .Select(g => (Name: g.Key, Values: g.Select(p => p.Value).Distinct().Count()))
            .Where(p => p.Values > 1)
            .OrderByDescending(p => p.Values).ThenBy(p => p.Name, StringComparer.Ordinal)
            .Select(p => p.Name)
            .ToList();
        foreach (var named in new[] { x, y }.OfType<string>().Where(n => !varying.Contains(n)))
        {
            throw new ArgumentException(
                $"Phase '{phase}' has no parameter '{named}' that varies; its varying parameters are {(varying.Count == 0 ? "none" : string.Join(", ", varying.Order(StringComparer.Ordinal)))}.");
        }

        // By default the pair that most rows both have (two parameters of one strategy), then the most values.
        int Together(string a, string b) => rows.Count(r => r.Parameters.ContainsKey(a) && r.Parameters.ContainsKey(b));
        var pair = (
            from a in varying
            from b in varying
            where a != b && (x is null || a == x) && (y is null || b == y)
            let together = Together(a, b)
            where together > 0
            orderby together descending, varying.IndexOf(a), varying.IndexOf(b)
            select (X: a, Y: b)).FirstOrDefault();
        if (pair.X is null)
        {
            return x is not null && y is not null
                ? throw new ArgumentException($"Phase '{phase}' has no portfolio with both {x} and {y}: pick two parameters of one strategy.")
                : null;
        }

        (x, y) = pair;
        double[] xs = [.. rows.Where(r => r.Parameters.ContainsKey(x)).Select(r => r.Parameters[x]).Distinct().Order()];
        double[] ys = [.. rows.Where(r => r.Parameters.ContainsKey(y)).Select(r => r.Parameters[y]).Distinct().Order()];
        var best = new double[xs.Length, ys.Length];
        for (var i = 0; i < xs.Length; i++)
        {
            for (var j = 0; j < ys.Length; j++)
            {
                best[i, j] = double.NaN;
            }
        }

        foreach (var row in rows.Where(r => !double.IsNaN(r.Score) && r.Parameters.ContainsKey(x) && r.Parameters.ContainsKey(y)))
        {
            var (i, j) = (Array.IndexOf(xs, row.Parameters[x]), Array.IndexOf(ys, row.Parameters[y]));
            best[i, j] = double.IsNaN(best[i, j]) ? row.Score : Math.Max(best[i, j], row.Score);
        }

        return new GridHeatmap(phase, x, y, xs, ys, best);
    }

    /// <summary>A parameter value for an axis label.</summary>
    public static string Label(double value) => value.ToString("0.####", CultureInfo.InvariantCulture);
}
