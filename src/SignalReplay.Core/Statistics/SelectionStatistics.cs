using SignalReplay.Core.Replay;

namespace SignalReplay.Core.Statistics;

/// <summary>
/// The spread of the trials' Sharpe ratios, gathered one trial at a time (Welford) and combinable across phases (Chan et al.):
/// how many defined Sharpes, their mean and their sum of squared deviations. Undefined (NaN) Sharpes are left out.
/// </summary>
public readonly record struct SharpeSpread(int Count, double Mean, double SquaredDeviations)
{
    /// <summary>The sample variance of the Sharpes; 0 with fewer than 2.</summary>
    public double Variance => Count < 2 ? 0 : SquaredDeviations / (Count - 1);

    public SharpeSpread Add(double sharpe)
    {
        if (!double.IsFinite(sharpe))
        {
            return this;
        }

        var count = Count + 1;
        var delta = sharpe - Mean;
        var mean = Mean + (delta / count);
        return new SharpeSpread(count, mean, SquaredDeviations + (delta * (sharpe - mean)));
    }

    public SharpeSpread Combine(SharpeSpread other)
    {
        if (other.Count == 0)
        {
            return this;
        }

        if (Count == 0)
        {
            return other;
        }

        var count = Count + other.Count;
        var delta = other.Mean - Mean;
        return new SharpeSpread(
            count,
            Mean + (delta * other.Count / count),
            SquaredDeviations + other.SquaredDeviations + (delta * delta * Count * other.Count / count));
    }
}

/// <summary>Daily returns from day-end equity curves (<see cref="Portfolio.PortfolioResult.Equity"/>): simple returns between consecutive marks.</summary>
public static class DailyReturns
{
    /// <summary>The returns between consecutive day-end marks of one curve (n marks, n - 1 returns).</summary>
    public static double[] Of(IReadOnlyList<double> dayEnd)
    {
        var returns = new double[Math.Max(0, dayEnd.Count - 1)];
        for (var d = 0; d < returns.Length; d++)
        {
            returns[d] = (dayEnd[d + 1] / dayEnd[d]) - 1;
        }

        return returns;
    }

    /// <summary>
    /// The daily returns of several curves over the same periods: each curve's returns between consecutive UTC dates that every
    /// curve marked (portfolios on different series can mark different dates), the dates in the order of the first curve.
    /// </summary>
    public static double[][] OnCommonDates(IReadOnlyList<(long[] Time, double[] Equity)> curves)
    {
        if (curves.Count == 0)
        {
            return [];
        }

        var byDay = curves.Select(c => c.Time.Select((t, i) => (Day: BarTable.Day(t), i)).ToDictionary(x => x.Day, x => c.Equity[x.i])).ToList();
        var common = curves[0].Time.Select(BarTable.Day).Where(day => byDay.All(d => d.ContainsKey(day))).ToList();
        return [.. byDay.Select(marks => Of([.. common.Select(day => marks[day])]))];
    }
}

/// <summary>
/// Whether a run's choice is real (SPEC 8): how many configurations were tried, the Probabilistic Sharpe Ratio of the choice
/// (the probability its true Sharpe exceeds 0), its Deflated Sharpe Ratio (the probability it exceeds the best Sharpe that
/// <see cref="Trials"/> trials of no skill would show by luck, <see cref="ExpectedMaxSharpe"/>), and the Probability of Backtest
/// Overfitting of the grid. Sharpes here are annualized like the leaderboards' (x √252); the tests run on daily ones.
/// A statistic its inputs do not define is NaN, and <see cref="Notes"/> says why.
/// </summary>
public sealed record SelectionStatistics(
    int Trials,
    double Psr,
    double DeflatedSharpe,
    double Pbo,
    double ExpectedMaxSharpe,
    double TrialSharpeVariance,
    int Observations,
    int PboTrials,
    int PboPartitions,
    IReadOnlyList<string> Notes)
{
    private const double PeriodsPerYear = 252;

    /// <param name="trials">Every configuration the run tried.</param>
    /// <param name="sharpes">The spread of the trials' annualized Sharpes.</param>
    /// <param name="choice">The choice's daily returns, as moments; null when there is no choice.</param>
    /// <param name="overfitting">The grid's PBO estimate; null when the run has no grid phase that estimated it.</param>
    public static SelectionStatistics Of(int trials, SharpeSpread sharpes, SharpeMoments? choice, OverfittingEstimate? overfitting)
    {
        var notes = new List<string>();
        var perPeriodVariance = sharpes.Variance / PeriodsPerYear;
        if (sharpes.Count < 2)
        {
            notes.Add($"the trials' Sharpe spread needs 2 defined Sharpes, there {(sharpes.Count == 1 ? "is 1" : $"are {sharpes.Count}")}: nothing is deflated.");
        }

        var expected = trials < 1 ? 0 : SharpeStatistics.ExpectedMaximum(trials, perPeriodVariance);
        double psr = double.NaN, dsr = double.NaN;
        if (choice is null)
        {
            notes.Add("the run has no choice: PSR and deflated Sharpe are undefined.");
        }
        else
        {
            psr = SharpeStatistics.Probabilistic(choice, 0);
            dsr = SharpeStatistics.Probabilistic(choice, expected);
            if (double.IsNaN(psr))
            {
                notes.Add($"the choice's Sharpe is undefined on its {choice.Observations} daily returns: PSR and deflated Sharpe are undefined.");
            }
        }

        if (overfitting is { WhyNot: { } why })
        {
            notes.Add(why);
        }

        return new SelectionStatistics(
            trials,
            psr,
            dsr,
            overfitting?.Probability ?? double.NaN,
            expected * Math.Sqrt(PeriodsPerYear),
            sharpes.Variance,
            choice?.Observations ?? 0,
            overfitting?.Trials ?? 0,
            overfitting?.Partitions ?? 0,
            notes);
    }
}

/// <summary>A grid phase's PBO: the probability, from how many trials in how many blocks; NaN with <see cref="WhyNot"/> when it could not be estimated.</summary>
public sealed record OverfittingEstimate(double Probability, int Trials, int Partitions, string? WhyNot = null)
{
    /// <summary>
    /// The plan indices a PBO estimate replays: every one of <paramref name="count"/> when they are at most <paramref name="size"/>,
    /// else <paramref name="include"/> (the phase's best) and indices spread evenly over the plan up to <paramref name="size"/>, ascending.
    /// </summary>
    public static int[] Sample(int count, int size, IEnumerable<int> include)
    {
        if (count <= size)
        {
            return [.. Enumerable.Range(0, count)];
        }

        var chosen = new SortedSet<int>(include.Take(size));
        for (var i = 0; chosen.Count < size; i++)
        {
            chosen.Add((int)((long)i * count / size));
        }

        return [.. chosen];
    }

    /// <summary>PBO by CSCV over the trials' day-end equity curves, on the dates they share.</summary>
    public static OverfittingEstimate Of(IReadOnlyList<(long[] Time, double[] Equity)> curves, int partitions)
    {
        var returns = DailyReturns.OnCommonDates(curves);
        var periods = returns.Length == 0 ? 0 : returns[0].Length;
        return BacktestOverfitting.WhyNot(returns.Length, periods, partitions) is { } why
            ? new OverfittingEstimate(double.NaN, returns.Length, partitions, why)
            : new OverfittingEstimate(BacktestOverfitting.Cscv(returns, partitions).Probability, returns.Length, partitions);
    }
}
