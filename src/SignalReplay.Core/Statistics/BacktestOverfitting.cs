namespace SignalReplay.Core.Statistics;

/// <summary>
/// What combinatorially symmetric cross-validation found: the Probability of Backtest Overfitting (the share of
/// splits whose in-sample best ranks at or below the out-of-sample median), and the logit of that trial's
/// out-of-sample relative rank in each split, in the order the splits were enumerated.
/// </summary>
public sealed record OverfittingReport(double Probability, int Partitions, IReadOnlyList<double> Logits)
{
    public int Splits => Logits.Count;
}

/// <summary>
/// The Probability of Backtest Overfitting by CSCV (Bailey, Borwein, Lopez de Prado, Zhu, "The Probability of
/// Backtest Overfitting", 2014). The T x N matrix of the trials' per-period returns is cut into S row blocks; every
/// choice of S/2 blocks is an in-sample set and the rest its out-of-sample set. In each split the trial with the best
/// in-sample Sharpe is found, and its relative rank ω among the out-of-sample Sharpes (rank / (N + 1)) gives the
/// logit λ = ln(ω / (1 − ω)); PBO is the share of splits with λ ≤ 0. Each trial's Sharpe over a set of blocks comes
/// from per-block sums (the rest's from its totals less those), so a split costs N x S / 2 additions, not N x T.
/// </summary>
public static class BacktestOverfitting
{
    public const int DefaultPartitions = 16;

    /// <param name="returns">One array per trial, all of one length: the trial's return in each period.</param>
    /// <param name="partitions">S, even, at least 2; the periods must be at least 2 x S.</param>
    public static OverfittingReport Cscv(IReadOnlyList<double[]> returns, int partitions = DefaultPartitions)
    {
        if (returns.Any(r => r.Length != returns[0].Length))
        {
            throw new ArgumentException("PBO needs every trial's returns over the same periods; their lengths differ.");
        }

        if (WhyNot(returns.Count, returns.Count == 0 ? 0 : returns[0].Length, partitions) is { } reason)
        {
            throw new ArgumentException(reason);
        }

        var trials = returns.Count;
        var periods = returns[0].Length;
        var (sums, squares, counts) = Blocks(returns, partitions);
        var splits = Combinations(partitions, partitions / 2).ToArray();
        var logits = new double[splits.Length];

        // Splits are independent: each writes its own logit, so the report is the same however they are spread over cores.
        Parallel.For(
            0,
            splits.Length,
            () => (In: new double[trials], Out: new double[trials]),
            (split, _, sharpes) =>
            {
                logits[split] = Logit(splits[split], sums, squares, counts, periods, sharpes.In, sharpes.Out);
                return sharpes;
            },
            _ => { });
        return new OverfittingReport(logits.Count(l => l <= 0) / (double)logits.Length, partitions, logits);
    }

    /// <summary>
    /// One split: each trial's Sharpe over the <paramref name="chosen"/> blocks and over the rest (its totals less the chosen),
    /// then the logit of the in-sample best's relative rank out of sample.
    /// </summary>
    private static double Logit(int[] chosen, double[] sums, double[] squares, int[] counts, int periods, double[] inSample, double[] outOfSample)
    {
        var partitions = counts.Length;
        var inCount = 0;
        foreach (var b in chosen)
        {
            inCount += counts[b];
        }

        var trials = inSample.Length;
        for (var t = 0; t < trials; t++)
        {
            var row = t * (partitions + 1);
            double inSum = 0, inSquares = 0;
            foreach (var b in chosen)
            {
                inSum += sums[row + b];
                inSquares += squares[row + b];
            }

            inSample[t] = Sharpe(inSum, inSquares, inCount);
            outOfSample[t] = Sharpe(sums[row + partitions] - inSum, squares[row + partitions] - inSquares, periods - inCount);
        }

        var best = 0;
        for (var t = 1; t < trials; t++)
        {
            if (Better(inSample[t], inSample[best]))
            {
                best = t;
            }
        }

        // Rank 1 is the worst out-of-sample Sharpe, N the best; ties share the mean of their ranks.
        double below = 0, tied = 0;
        for (var t = 0; t < trials; t++)
        {
            if (t == best)
            {
                continue;
            }

            if (Better(outOfSample[best], outOfSample[t]))
            {
                below++;
            }
            else if (!Better(outOfSample[t], outOfSample[best]))
            {
                tied++;
            }
        }

        var omega = (1 + below + (tied / 2)) / (trials + 1);
        return Math.Log(omega / (1 - omega));
    }

    /// <summary>Why CSCV cannot run on <paramref name="trials"/> trials of <paramref name="periods"/> returns in <paramref name="partitions"/> blocks; null when it can.</summary>
    public static string? WhyNot(int trials, int periods, int partitions) =>
        trials < 2 ? $"PBO compares trials: it needs at least 2, not {trials}."
        : partitions < 2 || partitions % 2 != 0 ? $"PBO's partitions S must be even and at least 2, not {partitions}."
        : periods < 2 * partitions ? $"PBO with S = {partitions} partitions needs at least {2 * partitions} periods of returns; there are {periods}."
        : null;

    /// <summary>
    /// Per trial, S + 1 columns: the sum and the sum of squares of its returns in each block, then over all periods; per block,
    /// its periods (blocks differ by at most one).
    /// </summary>
    private static (double[] Sums, double[] Squares, int[] Counts) Blocks(IReadOnlyList<double[]> returns, int partitions)
    {
        var periods = returns[0].Length;
        var counts = new int[partitions];
        var sums = new double[returns.Count * (partitions + 1)];
        var squares = new double[sums.Length];
        for (var t = 0; t < returns.Count; t++)
        {
            var row = t * (partitions + 1);
            for (var b = 0; b < partitions; b++)
            {
                var (from, to) = ((int)((long)periods * b / partitions), (int)((long)periods * (b + 1) / partitions));
                counts[b] = to - from;
                double sum = 0, square = 0;
                for (var i = from; i < to; i++)
                {
                    sum += returns[t][i];
                    square += returns[t][i] * returns[t][i];
                }

                (sums[row + b], squares[row + b]) = (sum, square);
                sums[row + partitions] += sum;
                squares[row + partitions] += square;
            }
        }

        return (sums, squares, counts);
    }

    /// <summary>Mean over sample standard deviation; NaN when the returns do not vary.</summary>
    private static double Sharpe(double sum, double squares, int count)
    {
        var mean = sum / count;
        var variance = (squares - (count * mean * mean)) / (count - 1);
        return variance > 0 ? mean / Math.Sqrt(variance) : double.NaN;
    }

    /// <summary>Whether <paramref name="a"/> ranks above <paramref name="b"/>; an undefined Sharpe ranks below every defined one.</summary>
    private static bool Better(double a, double b) => !double.IsNaN(a) && (double.IsNaN(b) || a > b);

    /// <summary>Every way to choose <paramref name="k"/> of <paramref name="n"/> blocks, in lexicographic order, as the chosen blocks' indices.</summary>
    private static IEnumerable<int[]> Combinations(int n, int k)
    {
        var index = Enumerable.Range(0, k).ToArray();
        while (true)
        {
            yield return [.. index];
            var j = k - 1;
            while (j >= 0 && index[j] == n - k + j)
            {
                j--;
            }

            if (j < 0)
            {
                yield break;
            }

            index[j]++;
            for (var i = j + 1; i < k; i++)
            {
                index[i] = index[i - 1] + 1;
            }
        }
    }
}
