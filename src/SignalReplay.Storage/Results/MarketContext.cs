using System.Text.RegularExpressions;
using SignalReplay.Core.Data;
using SignalReplay.Core.Optimization;
using SignalReplay.Storage.BaseData;
using SignalReplay.Storage.Objects;
using SignalReplay.Storage.Parquet;
using SignalReplay.Storage.Signals;

namespace SignalReplay.Storage.Results;

/// <summary>
/// What a report sets a run's results against, from its base data and signal set: buy-and-hold of the series the choice trades
/// over the choice's own dates, and for each regime phase its classifier's series with the regime it was in over time.
/// </summary>
public sealed partial record MarketContext(BuyAndHold? BuyAndHold, IReadOnlyList<RegimeBands> Regimes)
{
    public static MarketContext None { get; } = new(null, []);

    /// <summary>The most price points a regime chart draws (a minute series is thinned to its last bar per step).</summary>
    public const int MaxPricePoints = 1_500;

    /// <summary>
    /// The context of a run: its configuration is read from <paramref name="metadata"/>, the choice's traded series from its id
    /// (<c>@SERIES</c>). Anything it cannot read (a configuration that names a plugin, a series or signal set no longer stored)
    /// leaves that part out rather than failing the report.
    /// </summary>
    public static async Task<MarketContext> ReadAsync(
        IObjectStore store, RunMetadata metadata, RunSummary summary, IReadOnlyList<IReadOnlyList<EquityRow>> curves, CancellationToken cancellationToken)
    {
        RunConfig config;
        try
        {
            config = RunConfigReader.Parse(metadata.Config, "the run's configuration");
        }
        catch (Exception error) when (error is RunConfigException or ArgumentException)
        {
            return None;
        }

        var bases = new BaseDatasetStore(store);
        var loaded = new Dictionary<SeriesId, BarSeries?>();
        async Task<BarSeries?> SeriesAsync(SeriesId id)
        {
            if (!loaded.TryGetValue(id, out var series))
            {
                try
                {
                    series = await bases.ReadSeriesAsync(metadata.Dataset, id, cancellationToken);
                }
                catch (Exception error) when (error is ArgumentException or StoredDataException or IOException)
                {
                    series = null;
                }

                loaded[id] = series;
            }

            return series;
        }

        BuyAndHold? hold = null;
        if (summary.Choice is { } choice && curves.Count > 0)
        {
            var traded = Traded(choice.Portfolio).Where(config.Data.Series.Contains).ToList();
            var series = new List<BarSeries>();
            foreach (var id in traded)
            {
                if (await SeriesAsync(id) is { } bars)
                {
                    series.Add(bars);
                }
            }

            hold = series.Count == 0 ? null : BuyAndHold.Of(series, curves);
        }

        var regimes = new List<RegimeBands>();
        var regimePhases = config.Phases.Where(p => p.Kind == PhaseKind.Regime && p.Classifier is not null && summary.Phases.Any(s => s.Phase == p.Name)).ToList();
        if (regimePhases.Count > 0 && metadata.SignalSetId is { } signalSet)
        {
            Core.Generation.SignalSet set;
            try
            {
                set = await new SignalSetStore(store).ReadAsync(signalSet, new HashSet<string>(StringComparer.Ordinal), cancellationToken);
            }
            catch (Exception error) when (error is ArgumentException or StoredDataException or IOException)
            {
                return new MarketContext(hold, []);
            }

            foreach (var phase in regimePhases)
            {
                var changes = set.ClassifierChanges.FirstOrDefault(c => c.Classifier == phase.Classifier);
                if (changes is not null && set.ClassifierSeries.TryGetValue(phase.Classifier!, out var id) && await SeriesAsync(id) is { } bars)
                {
                    regimes.Add(RegimeBands.Of(phase.Name, changes, bars, phase.Range));
                }
            }
        }

        return new MarketContext(hold, regimes);
    }

    /// <summary>The series a portfolio id trades: each strategy's primary series, <c>@SERIES</c> (before any <c>+OTHER</c>), in order.</summary>
    public static IReadOnlyList<SeriesId> Traded(string portfolio) =>
    [
        .. SeriesReference().Matches(portfolio).Select(m => Parsed(m.Groups["series"].Value)).OfType<SeriesId>().Distinct(),
    ];

    private static SeriesId? Parsed(string text)
    {
        try
        {
            return SeriesId.Parse(text);
        }
        catch (FormatException)
        {
            return null;
        }
    }

    [GeneratedRegex(@"@(?<series>[A-Za-z0-9.\-]+_[0-9]+[A-Za-z]+)")]
    private static partial Regex SeriesReference();
}

/// <summary>
/// Buy-and-hold of <see cref="Series"/> (equal parts of each) from the close at the choice's first day-end to each later one, scaled
/// to the choice's equity there, so both lines start together.
/// </summary>
public sealed record BuyAndHold(IReadOnlyList<string> Series, IReadOnlyList<EquityRow> Curve)
{
    public static BuyAndHold? Of(IReadOnlyList<BarSeries> series, IReadOnlyList<IReadOnlyList<EquityRow>> curves)
    {
        var points = curves.SelectMany(c => c).OrderBy(r => r.Time).ToList();
        var first = points[0];
        var starts = series.Select(s => CloseAt(s, first.Time.ToUnixTimeMilliseconds())).ToList();
        if (starts.Any(c => c is null))
        {
            return null;
        }

        var curve = new List<EquityRow>();
        var peak = double.NegativeInfinity;
        foreach (var time in points.Select(p => p.Time).Distinct())
        {
            var at = time.ToUnixTimeMilliseconds();
            var growth = series.Select((s, i) => CloseAt(s, at)!.Value / starts[i]!.Value).Average();
            var equity = first.Equity * growth;
            peak = Math.Max(peak, equity);
            curve.Add(new EquityRow("buy and hold", time, equity, peak > 0 ? 1 - (equity / peak) : 0));
        }

        return new BuyAndHold([.. series.Select(s => s.Id.ToString())], curve);
    }

    /// <summary>The close of the last bar that started at or before <paramref name="millis"/>, or null before the first.</summary>
    private static double? CloseAt(BarSeries series, long millis)
    {
        var index = series.Time.BinarySearch(millis);
        index = index >= 0 ? index : ~index - 1;
        return index < 0 ? null : series.Close[index];
    }
}

/// <summary>A regime phase's classifier over time: its series' closes (thinned) and the spans each regime label held.</summary>
public sealed record RegimeBands(
    string Phase, string Classifier, string Series, IReadOnlyList<string> Labels, IReadOnlyList<(long Time, double Close)> Price, IReadOnlyList<(long From, long To, string Regime)> Bands)
{
    public static RegimeBands Of(string phase, Core.Indices.ClassifierChangeIndex changes, BarSeries series, DateRange? range)
    {
        var (from, to) = range is { } r ? (r.FromMillis, r.ToMillis) : (long.MinValue, long.MaxValue);
        var first = Lower(series.Time, from);
        var end = Lower(series.Time, to);
        var count = Math.Max(0, end - first);
        var step = Math.Max(1, (count + MarketContext.MaxPricePoints - 1) / MarketContext.MaxPricePoints);
        var price = new List<(long, double)>();
        for (var i = first; i < end; i += step)
        {
            var last = Math.Min(end, i + step) - 1;
            price.Add((series.Time[last], series.Close[last]));
        }

        var bands = new List<(long, long, string)>();
        for (var row = 0; row < changes.Count; row++)
        {
            var start = Math.Max(changes.BarIdx[row], first);
            var stop = Math.Min(row + 1 < changes.Count ? changes.BarIdx[row + 1] : series.Count, end);
            if (start < stop)
            {
                var until = stop < series.Count ? series.Time[stop] : series.EndTime(series.Count - 1);
                bands.Add((series.Time[start], until, changes.NewRegime[row]));
            }
        }

        return new RegimeBands(phase, changes.Classifier, series.Id.ToString(), changes.Regimes, price, bands);
    }

    /// <summary>The first index whose time is at or after <paramref name="millis"/>.</summary>
    private static int Lower(ReadOnlySpan<long> times, long millis)
    {
        var index = times.BinarySearch(millis);
        return index >= 0 ? index : ~index;
    }
}
