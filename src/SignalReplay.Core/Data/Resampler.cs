namespace SignalReplay.Core.Data;

/// <summary>
/// Aggregates bars into a coarser timeframe: first open, highest high, lowest low, last close,
/// summed volume, stamped with the bucket's start. Buckets with no bars stay gaps.
/// </summary>
public static class Resampler
{
    public static BarSeries Resample(BarSeries source, Timeframe target)
    {
        var from = source.Id.Timeframe;
        EnsureCoarser(from, target);
        if (from == target)
        {
            return source;
        }

        var time = new List<long>();
        var open = new List<double>();
        var high = new List<double>();
        var low = new List<double>();
        var close = new List<double>();
        var volume = new List<double>();
        for (var i = 0; i < source.Count; i++)
        {
            var bucket = target.BucketStart(source.Time[i]);
            if (time.Count == 0 || time[^1] != bucket)
            {
                time.Add(bucket);
                open.Add(source.Open[i]);
                high.Add(source.High[i]);
                low.Add(source.Low[i]);
                close.Add(source.Close[i]);
                volume.Add(source.Volume[i]);
                continue;
            }

            high[^1] = Math.Max(high[^1], source.High[i]);
            low[^1] = Math.Min(low[^1], source.Low[i]);
            close[^1] = source.Close[i];
            volume[^1] += source.Volume[i];
        }

        return new BarSeries(
            source.Id with { Timeframe = target },
            [.. time],
            [.. open],
            [.. high],
            [.. low],
            [.. close],
            [.. volume]);
    }

    private static void EnsureCoarser(Timeframe from, Timeframe to)
    {
        string? problem = null;
        if (to.NominalMillis < from.NominalMillis)
        {
            problem = "it is finer";
        }
        else if (from.Unit == TimeUnit.Month)
        {
            problem = to.Unit != TimeUnit.Month || to.Count % from.Count != 0 ? "only whole multiples of months can follow months" : null;
        }
        else if (to.Unit == TimeUnit.Month)
        {
            problem = (24 * 60 * 60_000L) % from.NominalMillis != 0 && from.Unit != TimeUnit.Day ? "its bars do not tile a day" : null;
            problem ??= from.Unit == TimeUnit.Day && from.Count != 1 || from.Unit == TimeUnit.Week ? "only 1d or finer bars tile a month" : null;
        }
        else if (to.NominalMillis % from.NominalMillis != 0)
        {
            problem = "it is not a whole multiple";
        }

        if (problem is not null)
        {
            throw new ArgumentException($"Cannot resample {from} bars to {to}: {problem} of {from}.");
        }
    }
}
