using System.Diagnostics;
using SignalReplay.Core.Portfolio;
using SignalReplay.Core.Statistics;
using SignalReplay.Core.Telemetry;

namespace SignalReplay.Core.Optimization;

/// <summary>
/// One replay a workflow asks its host for: <see cref="Plan"/>'s portfolios scored by <see cref="Objective"/>, the best <see cref="Top"/>
/// handed back (with their trades, equity and events when <see cref="KeepDetail"/>). With <see cref="Streamed"/> every portfolio's
/// metrics row goes to that phase's metrics.parquet as it is replayed. <see cref="Key"/> names the work within the run
/// (<c>grid</c>, <c>grid/detail</c>, <c>wf/w3/grid</c>): the same key is the same work.
/// </summary>
public sealed record ReplayJob(string Key, PhasePlan Plan, Objective Objective, int Top, bool KeepDetail, PhaseSection? Streamed = null);

/// <summary>A portfolio of a replay job's plan (its index there), its score and what it produced.</summary>
public sealed record ScoredPortfolio(int Index, double Score, PortfolioResult Result);

/// <summary>What a replay job gave back: its best in rank order, where the time went, and the spread of every traded portfolio's Sharpe.</summary>
public sealed record ReplayedPlan(IReadOnlyList<ScoredPortfolio> Top, double ReplaySeconds = 0, double WriteSeconds = 0, SharpeSpread Sharpes = default);

/// <summary>
/// Where a <see cref="Workflow"/> runs: who replays its plans (the in-process <see cref="Replay.Backtest"/>, or a cluster's replay grains),
/// where a finished phase's files go, and what the run's first series' bars are (walk-forward windows count them).
/// A host that is told to stop throws from its calls; the workflow holds no state of its own between phases.
/// </summary>
public interface IWorkflowHost
{
    Task<ReplayedPlan> ReplayAsync(ReplayJob job);

    /// <summary>The phase's files from its kept outcomes (rank order); its metrics too unless its replay streamed them.</summary>
    Task WritePhaseAsync(PhaseSection phase, IReadOnlyList<PortfolioOutcome> kept, bool metricsStreamed);

    /// <summary>The bar times (Unix ms, ascending) of the run's first series.</summary>
    Task<IReadOnlyList<long>> BarTimesAsync();

    /// <summary>What the workflow is doing now, for status.</summary>
    void Report(string detail);
}

/// <summary>
/// A ranked candidate of a finished phase: metrics in <see cref="PerformanceMetrics.Names"/> order (the mean over its <see cref="Windows"/>
/// walk-forward windows), and why it can never be picked when it cannot (no trades, an undefined objective).
/// </summary>
public sealed record RankedCandidate(int Rank, string Portfolio, string Candidate, double Score, double[] Metrics, int Windows = 1, string? ExcludedBecause = null);

/// <summary>
/// A finished phase: its best candidates for the summary, the configurations it hands on, where its time went, (a grid) how many
/// parameter combinations its strategies' constraints skipped, and what the selection statistics need: how many trials it ran,
/// the spread of their Sharpes, the daily-return moments of its best (null when none can be picked), (a grid) its PBO, and (a
/// walk-forward phase) its windows.
/// </summary>
public sealed record PhaseRecord(
    string Name,
    PhaseKind Kind,
    string Objective,
    int Evaluated,
    IReadOnlyList<RankedCandidate> Best,
    IReadOnlyList<PortfolioConfig> Selected,
    double Seconds,
    double ReplaySeconds = 0,
    double WriteSeconds = 0,
    double DetailSeconds = 0,
    int Skipped = 0,
    SharpeSpread Sharpes = default,
    SharpeMoments? BestMoments = null,
    OverfittingEstimate? Overfitting = null,
    double StatisticsSeconds = 0,
    WalkForwardReport? WalkForward = null);

/// <summary>
/// A run's phases (SPEC 8) as one loop: plan, replay, select, write. Each phase starts from what the one before it selected;
/// a walk-forward phase re-runs its inner phases in each train span and trades each window's choice in the test span after it.
/// Every step is a pure function of the run's configuration and the replays' results, so a phase run again (after a failover)
/// gives the same record and the same files. The host keeps what persists between phases.
/// </summary>
public sealed class Workflow(RunConfig config, IWorkflowHost host)
{
    /// <summary>Candidates a phase keeps in its record, for the summary and report.</summary>
    public const int SummaryTop = 10;

    private readonly IReadOnlyDictionary<string, IReadOnlyList<string>> _labels =
        TopologyBuilder.Classifiers(config).ToDictionary(c => c.Key, c => c.Value.Labels, StringComparer.Ordinal);

    /// <summary>Runs phase <paramref name="index"/> from <paramref name="incoming"/>, the previous phase's selection, and writes its files.</summary>
    public async Task<PhaseRecord> RunPhaseAsync(int index, IReadOnlyList<PortfolioConfig> incoming)
    {
        var phase = config.Phases[index];
        var kind = new KeyValuePair<string, object?>(SignalReplayTelemetry.PhaseKindTag, phase.Kind.Name());
        using var span = SignalReplayTelemetry.Source.StartActivity($"phase {phase.Name}");
        span?.SetTag("signalreplay.phase", phase.Name).SetTag(kind.Key, kind.Value);
        try
        {
            var record = phase.Kind == PhaseKind.WalkForward ? await WalkForwardAsync(phase) : await SearchPhaseAsync(phase, index, incoming);
            span?.SetTag("signalreplay.portfolios", record.Evaluated);
            SignalReplayTelemetry.PhaseDuration.Record(record.Seconds, kind);
            return record;
        }
        catch (Exception error)
        {
            span?.SetStatus(ActivityStatusCode.Error, error.Message);
            throw;
        }
    }

    private async Task<PhaseRecord> SearchPhaseAsync(PhaseSection phase, int index, IReadOnlyList<PortfolioConfig> incoming)
    {
        var clock = Stopwatch.StartNew();
        var search = await SearchAsync(phase, ClassifierOf(config.Phases, index), incoming, phase.Name, within: null, output: phase.Name);
        var statistics = Stopwatch.StartNew();
        var overfitting = phase is { Kind: PhaseKind.Grid, PboTrials: > 0 }
            ? await OverfittingAsync(phase, search.Plan, search.Kept.Select(t => t.Index))
            : null;
        statistics.Stop();

        // Written before the phase is recorded as finished: a rerun after a crash rewrites the same bytes.
        await host.WritePhaseAsync(phase, search.Result.Ranked, metricsStreamed: true);
        return new PhaseRecord(
            phase.Name,
            phase.Kind,
            phase.Objective.ToString(),
            search.Plan.Count,
            [.. TopCandidates(search.Result, SummaryTop)],
            [.. search.Result.Selected],
            clock.Elapsed.TotalSeconds,
            search.Replayed.ReplaySeconds,
            search.Replayed.WriteSeconds,
            search.DetailSeconds,
            phase.Kind == PhaseKind.Grid ? TopologyBuilder.Skipped(config).Sum(s => s.Skipped) : 0,
            search.Replayed.Sharpes,
            search.Result.BestMoments(),
            overfitting,
            statistics.Elapsed.TotalSeconds);
    }

    /// <summary>
    /// The top candidates of a phase with their score and metrics; a candidate run in several walk-forward
    /// windows gets the mean of each metric over its windows, summed in window order.
    /// </summary>
    public static IEnumerable<RankedCandidate> TopCandidates(PhaseResult result, int top) =>
        result.Candidates.Take(top).Select((candidate, i) =>
        {
            var windows = result.Ranked.Where(o => o.Candidate == candidate.Candidate).OrderBy(o => o.Config.Window?.From ?? 0).ToList();
            var metrics = PerformanceMetrics.Names.Select(name => windows.Sum(o => o.Result.Metrics.Get(name)) / windows.Count).ToArray();
            return new RankedCandidate(i + 1, candidate.Candidate, candidate.Candidate, candidate.Score, metrics, candidate.Windows, candidate.ExcludedBecause);
        });

    /// <summary>The classifier whose labels phase <paramref name="index"/> of <paramref name="phases"/> splits by: a regime phase's own, an ensemble's that of the regime phase before it.</summary>
    private static string? ClassifierOf(IReadOnlyList<PhaseSection> phases, int index) =>
        phases[index].Kind == PhaseKind.Ensemble ? phases[index - 1].Classifier : phases[index].Classifier;

    private sealed record Search(PhasePlan Plan, ReplayedPlan Replayed, IReadOnlyList<ScoredPortfolio> Kept, PhaseResult Result, double DetailSeconds);

    /// <summary>
    /// Plans a search phase, replays it, keeps its best whole (replayed again with their detail when the plan holds more) and selects.
    /// A phase of the run streams every metrics row to its files; a walk-forward window's inner phases (trading <paramref name="within"/>
    /// its train span) keep theirs in memory only.
    /// </summary>
    /// <summary>
    /// Plans and replays <paramref name="phase"/>, then keeps its best whole. With <paramref name="output"/> every portfolio's metrics row
    /// streams to that results folder's metrics.parquet (the phase's own, or a walk-forward window's <see cref="WindowOutput"/>).
    /// </summary>
    private async Task<Search> SearchAsync(PhaseSection phase, string? classifier, IReadOnlyList<PortfolioConfig> incoming, string key, TradingWindow? within, string? output)
    {
        var labels = classifier is null ? [] : _labels[classifier];
        var plan = PhasePlanner.Plan(config, phase, incoming, labels, within);
        host.Report($"{Where(key)}replaying {plan.Count:N0} portfolios");

        // The phase hands back its best (all of a regime or validate phase), each kept whole when they are all it has.
        var keep = phase.Kind is PhaseKind.Grid or PhaseKind.Ensemble ? Math.Max(phase.Top, SummaryTop) : plan.Count;
        var whole = plan.Count <= keep;
        var replayed = await host.ReplayAsync(new ReplayJob(key, plan, phase.Objective, keep, KeepDetail: whole, Streamed: output is null ? null : phase with { Name = output }));
        SignalReplayTelemetry.PortfoliosReplayed.Add(plan.Count, new KeyValuePair<string, object?>(SignalReplayTelemetry.PhaseKindTag, phase.Kind.Name()));
        var kept = replayed.Top.OrderBy(t => t.Index).ToList();
        var detail = Stopwatch.StartNew();
        if (!whole)
        {
            // The best again, whole (their trades, equity and events): a replay gives the same bits.
            host.Report($"{Where(key)}keeping the best {kept.Count} whole");
            var best = new PhasePlan([.. kept.Select(t => plan.Portfolios[t.Index])]);
            var detailed = await host.ReplayAsync(new ReplayJob($"{key}/detail", best, phase.Objective, best.Count, KeepDetail: true));
            var byIndex = detailed.Top.ToDictionary(t => t.Index);
            kept = [.. kept.Select((t, i) => t with { Result = byIndex[i].Result })];
        }

        var outcomes = kept.Select(t => new PortfolioOutcome(plan.Portfolios[t.Index], plan.Candidate(t.Index), t.Result, t.Score)).ToList();
        return new Search(plan, replayed, kept, PhasePlanner.Select(phase, outcomes), whole ? 0 : detail.Elapsed.TotalSeconds);
    }

    /// <summary>
    /// The results folder of an inner phase of a walk-forward window, <c>{phase}-w{window}-{inner}</c> (<c>wf-w2-grid</c>), where each of its
    /// portfolios' metrics row is written; null when that name would pass the 32 characters of a phase name (then it is not written).
    /// </summary>
    public static string? WindowOutput(string phase, int window, string inner) =>
        $"{phase}-w{window}-{inner}" is { Length: <= 32 } name ? name : null;

    /// <summary>Whether <paramref name="name"/> has the form of a <see cref="WindowOutput"/> of <paramref name="phase"/>'s inner phase <paramref name="inner"/>.</summary>
    public static bool IsWindowOutput(string name, string phase, string inner)
    {
        var (head, tail) = ($"{phase}-w", $"-{inner}");
        return name.Length > head.Length + tail.Length
            && name.StartsWith(head, StringComparison.Ordinal)
            && name.EndsWith(tail, StringComparison.Ordinal)
            && name.AsSpan(head.Length, name.Length - head.Length - tail.Length).ContainsAnyExcept("0123456789") is false;
    }

    private static string Where(string key) => key.Contains('/', StringComparison.Ordinal) ? $"{key}: " : string.Empty;

    /// <summary>
    /// A grid phase's Probability of Backtest Overfitting: a sample of its portfolios (its best and an even spread of the rest, up
    /// to the phase's <c>pbo_trials</c>) replayed with their day-end equity, their daily returns cross-validated by CSCV.
    /// </summary>
    private async Task<OverfittingEstimate> OverfittingAsync(PhaseSection phase, PhasePlan plan, IEnumerable<int> best)
    {
        var sample = OverfittingEstimate.Sample(plan.Count, phase.PboTrials, best);
        host.Report($"estimating overfitting from {sample.Length:N0} portfolios");
        var portfolios = new PhasePlan([.. sample.Select(i => plan.Portfolios[i])]);
        var replayed = await host.ReplayAsync(new ReplayJob($"{phase.Name}/pbo", portfolios, phase.Objective, portfolios.Count, KeepDetail: true));
        var curves = replayed.Top.OrderBy(t => t.Index).Select(t => (t.Result.EquityTime, t.Result.Equity)).ToList();
        return OverfittingEstimate.Of(curves, phase.PboPartitions);
    }

    /// <summary>
    /// A walk-forward phase: for each window, its inner phases on the train span (each from the one before it, as in the run), and
    /// the last one's best candidate on the test span, starting with the equity the windows before it ended with (once that is
    /// gone, later windows trade nothing and say so with an undefined score). Its files hold
    /// each window's test-span portfolio; its record the windows, the chained out-of-sample curve's metrics and moments.
    /// </summary>
    private async Task<PhaseRecord> WalkForwardAsync(PhaseSection phase)
    {
        var clock = Stopwatch.StartNew();
        var spec = phase.WalkForward!;
        var times = await host.BarTimesAsync();
        var (from, to) = phase.Range is { } range ? (range.FromMillis, range.ToMillis) : times.Count == 0 ? (0, 0) : (times[0], times[^1] + 1);
        var windows = spec.Windows(times, from, to);
        if (windows.Count == 0)
        {
            throw new ArgumentException(
                $"Phase '{phase.Name}': its range {Describe(from, to)} holds no window of train {spec.Train} and test {spec.Test} (each needs bars of {config.Data.Series[0]}).");
        }

        var inner = spec.Phases.Select(name => config.Phases.First(p => p.Name == name)).ToList();
        var reports = new List<WalkForwardWindow>();
        var tested = new List<PortfolioOutcome>();
        var segments = new List<WindowSegment>();
        var (trials, sharpes, replaySeconds) = (0, default(SharpeSpread), 0d);
        var equity = config.Portfolio.StartingCash;
        foreach (var ((train, test), i) in windows.Select((w, i) => (w, i + 1)))
        {
            IReadOnlyList<PortfolioConfig> incoming = [];
            PhaseResult? last = null;
            var trialsBefore = trials;
            for (var j = 0; j < inner.Count; j++)
            {
                var search = await SearchAsync(inner[j], ClassifierOf(inner, j), incoming, $"{phase.Name}/w{i}/{inner[j].Name}", within: train, WindowOutput(phase.Name, i, inner[j].Name));
                (trials, sharpes, replaySeconds) = (trials + search.Plan.Count, sharpes.Combine(search.Replayed.Sharpes), replaySeconds + search.Replayed.ReplaySeconds);
                (last, incoming) = (search.Result, search.Result.Selected);
                if (incoming.Count == 0)
                {
                    break;
                }
            }

            var choice = last?.Candidates is [{ ExcludedBecause: null } best, ..] ? best : null;
            if (choice is null)
            {
                reports.Add(new WalkForwardWindow(i, train, test, null, double.NaN, double.NaN, equity, equity, trials - trialsBefore));
                if (equity > 0)
                {
                    segments.Add(WindowSegment.Cash(times, test, equity));
                }

                continue;
            }

            if (!(equity > 0))
            {
                // The windows before lost everything: nothing is left to trade (a portfolio needs positive cash).
                reports.Add(new WalkForwardWindow(i, train, test, choice.Candidate, choice.Score, double.NaN, equity, equity, trials - trialsBefore, Instances(choice.Config)));
                continue;
            }

            host.Report($"{phase.Name}/w{i}: trading {choice.Candidate} out of sample");
            var portfolio = choice.Config with { Id = $"{choice.Candidate}|wf={i}", Window = test, StartingCash = equity };
            var replayed = await host.ReplayAsync(new ReplayJob($"{phase.Name}/w{i}/test", new PhasePlan([portfolio]), phase.Objective, 1, KeepDetail: true));
            var result = replayed.Top[0].Result;
            tested.Add(new PortfolioOutcome(portfolio, OutOfSample, result, replayed.Top[0].Score));
            segments.Add(WindowSegment.Of(tested[^1]));
            reports.Add(new WalkForwardWindow(i, train, test, choice.Candidate, choice.Score, replayed.Top[0].Score, equity, result.FinalEquity, trials - trialsBefore, Instances(choice.Config)));
            equity = result.FinalEquity;
        }

        var report = WalkForwardReport.Of(reports, segments, phase.Objective);
        await host.WritePhaseAsync(phase, tested, metricsStreamed: false);
        var lastChoice = reports.LastOrDefault(w => w.Choice is not null);
        var trades = tested.Sum(o => o.Result.Metrics.TradeCount);
        RankedCandidate[] stitched = lastChoice is null
            ? []
            : [new RankedCandidate(1, lastChoice.Choice!, OutOfSample, report.OutOfSampleScore, report.OutOfSampleMetrics, tested.Count, Ranking.Exclusion(report.OutOfSampleScore, trades, phase.Objective))];
        PortfolioConfig[] selected = lastChoice is null ? [] : [tested[^1].Config with { Id = lastChoice.Choice!, Window = null, StartingCash = config.Portfolio.StartingCash }];
        return new PhaseRecord(
            phase.Name,
            phase.Kind,
            phase.Objective.ToString(),
            trials,
            stitched,
            selected,
            clock.Elapsed.TotalSeconds,
            replaySeconds,
            Sharpes: sharpes,
            BestMoments: StitchedCurve.Moments(segments),
            WalkForward: report);
    }

    /// <summary>The strategy instances a window's choice trades, in assignment order.</summary>
    private static string[] Instances(PortfolioConfig choice) => [.. choice.Assignments.Select(a => a.StrategyInstance).Distinct(StringComparer.Ordinal)];

    /// <summary>The candidate a walk-forward phase's test-span portfolios stand for: its out-of-sample curve, whatever each window chose.</summary>
    public const string OutOfSample = "out-of-sample";

    private static string Describe(long from, long to) =>
        $"{DateTimeOffset.FromUnixTimeMilliseconds(from):yyyy-MM-dd}..{DateTimeOffset.FromUnixTimeMilliseconds(to):yyyy-MM-dd}";
}
