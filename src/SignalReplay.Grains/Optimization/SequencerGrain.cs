using System.Diagnostics;
using Microsoft.Extensions.Logging;
using SignalReplay.Abstractions;
using SignalReplay.Core.Generation;
using SignalReplay.Core.Optimization;
using SignalReplay.Core.Portfolio;
using SignalReplay.Storage.Objects;
using SignalReplay.Storage.Results;

namespace SignalReplay.Grains.Optimization;

/// <summary>
/// The sequencer of one optimization run (SPEC 8; key: the run id). It generates the run's signal set
/// (a cache hit when the store holds it), then runs each phase as one replay over portfolio grains, writes
/// the phase's results, and persists what the phase selected before starting the next. Work runs in the
/// background of the activation; a reminder, or any status call, wakes a run whose silo died, and it
/// resumes at the first unfinished phase. Work interrupted by a dead silo is retried under fresh grain keys;
/// every step is deterministic, so a resumed run writes the same bytes as an undisturbed one. A run can
/// also be interrupted on request (the CLI does on Ctrl-C) and resumed later the same way.
/// One process works on a run at a time: the activation that works holds the run's <see cref="RunLease"/> and
/// renews it. Another activation (another process on the same store) never works on a run whose lease is live;
/// it shows the owner's progress from the store, or <c>interrupted</c> once the lease has expired. It takes the
/// run over when asked to resume it, or unasked when the owner was of its own <see cref="SignalReplayOptions.LeaseGroup"/>.
/// </summary>
public sealed class SequencerGrain(
    [PersistentState("sequencer", SignalReplayOptions.StorageName)] IPersistentState<SequencerState> state,
    IObjectStore store,
    IClusterMembershipService membership,
    ILocalSiloDetails silo,
    SignalReplayOptions options,
    ILogger<SequencerGrain> logger) : Grain, ISequencerGrain, IRemindable
{
    private const string ResumeReminder = "resume";
    private const int MaxAttempts = 8;
    private const int SummaryTop = 10;

    private readonly SemaphoreSlim _saving = new(1, 1);
    private Task? _work;
    private string? _detail;
    private RunConfig? _config;
    private RunLease? _lease;
    private IGrainTimer? _renewal;
    private bool _leaseLost;

    /// <summary>
    /// Interrupted on request while the work was in flight, or the lease was lost (this process stalled past it and
    /// another took the run over): the work stops at its next step and writes nothing more.
    /// </summary>
    private bool Interrupted => state.State.State == RunState.Interrupted || _leaseLost;

    /// <summary>This activation's hold on the run: one holder id per activation.</summary>
    private RunLease Lease => _lease ??= new RunLease(
        store,
        this.GetPrimaryKeyString(),
        holder: $"{RuntimeIdentity}/{Guid.NewGuid():N}",
        options.LeaseGroup,
        owner: $"{Environment.MachineName} pid {Environment.ProcessId}, silo {silo.SiloAddress}",
        silo: silo.SiloAddress.ToParsableString(),
        TimeProvider.System);

    /// <summary>The run's configuration, parsed once per activation.</summary>
    private RunConfig Config => _config ??= RunConfigReader.Parse(state.State.Config!, state.State.Source, options.Limits);

    public override Task OnActivateAsync(CancellationToken cancellationToken) => ContinueIfOursAsync(resuming: false);

    public async Task<RunStatus> StartAsync(RunRequest request)
    {
        if (state.State.Config is { } existing)
        {
            return existing == request.Config
                ? Status()
                : throw new ArgumentException($"Run '{this.GetPrimaryKeyString()}' already exists with another configuration.");
        }

        // Refuse a bad configuration before anything is stored: the caller gets the key and line.
        var config = RunConfigReader.Parse(request.Config, request.Source, options.Limits);
        TopologyBuilder.Grid(config);
        _config = config;
        // A new run id: nobody holds its lease, unless another process started the same id a moment ago.
        if (await Lease.TryAcquireAsync(_ => false) is { Held: false, Current: var owner })
        {
            throw new RunOwnedElsewhereException($"Run '{this.GetPrimaryKeyString()}' is being started by {owner!.Owner}.");
        }

        state.State = new SequencerState
        {
            Config = request.Config,
            Source = request.Source,
            Name = config.Name,
            State = RunState.Running,
            CreatedAt = DateTimeOffset.UtcNow,
        };
        await SaveAsync();

        // The run is in the store (runs list, runs watch) from the moment its id is handed out.
        await new ResultsWriter(store).WriteMetadataAsync(this.GetPrimaryKeyString(), Metadata(config));
        await this.RegisterOrUpdateReminder(ResumeReminder, TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(1));
        StartWork();
        return Status();
    }

    public async Task<RunStatus> GetStatusAsync()
    {
        await ContinueIfOursAsync(resuming: false);
        return await StatusAsync();
    }

    public async Task<RunStatus> InterruptAsync(string reason)
    {
        if (state.State.State == RunState.Running && _work is null && !await HoldAsync(resuming: true))
        {
            // Another live process works on it: only it (or its user) can stop it.
            throw new RunOwnedElsewhereException($"Run '{this.GetPrimaryKeyString()}' runs in {(await RunLease.ReadAsync(store, this.GetPrimaryKeyString()))?.Owner}; interrupt it there.");
        }

        if (state.State.State == RunState.Running)
        {
            state.State.State = RunState.Interrupted;
            state.State.Error = reason;
            _detail = null;
            await SaveAsync();
            await new ResultsWriter(store).WriteMetadataAsync(this.GetPrimaryKeyString(), Metadata(Config));
            if (_work is null)
            {
                await ReleaseAsync();
            }
        }

        return await StatusAsync();
    }

    public async Task<RunStatus> ResumeAsync()
    {
        if (state.State.State is RunState.Running or RunState.Interrupted && _work is null && !await HoldAsync(resuming: true))
        {
            var owner = await RunLease.ReadAsync(store, this.GetPrimaryKeyString());
            throw new RunOwnedElsewhereException(
                $"Run '{this.GetPrimaryKeyString()}' runs in {owner?.Owner} (its lease is renewed until {owner?.ExpiresAt:HH:mm:ss} UTC); it cannot be resumed while that process lives.");
        }

        if (state.State.State == RunState.Interrupted)
        {
            state.State.State = RunState.Running;
            state.State.Error = null;
            await SaveAsync();
            await new ResultsWriter(store).WriteMetadataAsync(this.GetPrimaryKeyString(), Metadata(Config));
            await this.RegisterOrUpdateReminder(ResumeReminder, TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(1));
        }

        if (state.State.State == RunState.Running)
        {
            StartWork();
        }
        else
        {
            await ReleaseAsync();
        }

        return await StatusAsync();
    }

    public Task ReceiveReminder(string reminderName, TickStatus status) => ContinueIfOursAsync(resuming: false);

    /// <summary>Continues a running run this activation does not work on yet, if it may hold its lease.</summary>
    private async Task ContinueIfOursAsync(bool resuming)
    {
        if (state.State.State == RunState.Running && _work is null && await HoldAsync(resuming))
        {
            if (state.State.State == RunState.Running)
            {
                StartWork();
            }
            else
            {
                await ReleaseAsync();
            }
        }
    }

    /// <summary>
    /// Takes the run's lease, and then reads the run's state afresh (its last owner may have saved since this
    /// activation read it). Unasked (<paramref name="resuming"/> false), an activation takes a lease over only from its
    /// own group: once it has expired, or at once when the membership has declared the holder's silo dead. Asked to
    /// resume, it takes any lease that has expired.
    /// </summary>
    private async Task<bool> HoldAsync(bool resuming)
    {
        var now = DateTimeOffset.UtcNow;
        var (held, _) = await Lease.TryAcquireAsync(lease =>
        {
            var ours = lease.Group == options.LeaseGroup;
            var ownerDead = ours && lease.Silo is { } holder && membership.CurrentSnapshot.GetSiloStatus(SiloAddress.FromParsableString(holder)) == SiloStatus.Dead;
            return ownerDead || (!lease.IsLive(now) && (ours || resuming));
        });
        if (held)
        {
            await state.ReadStateAsync();
            _config = null;
            _leaseLost = false;
        }

        return held;
    }

    /// <summary>Starts the work, renewing the lease for as long as it lasts.</summary>
    private void StartWork()
    {
        if (_work is not null)
        {
            return;
        }

        _renewal ??= this.RegisterGrainTimer(RenewAsync, new GrainTimerCreationOptions(RunLease.RenewEvery, RunLease.RenewEvery) { Interleave = true });
        _work = RunAsync();
    }

    private async Task RenewAsync(CancellationToken cancellationToken)
    {
        if (!_leaseLost && !await Lease.RenewAsync(cancellationToken))
        {
            _leaseLost = true;
            logger.LogWarning("Run {Run}: its lease was taken over by another process; this one stops working on it", this.GetPrimaryKeyString());
        }
    }

    private async Task ReleaseAsync()
    {
        _renewal?.Dispose();
        _renewal = null;
        await Lease.ReleaseAsync();
    }

    /// <summary>
    /// The run's status; a running run this activation does not work on is shown as the store has it, owned by the
    /// lease's holder, or <c>interrupted</c> when nobody holds a live lease on it.
    /// </summary>
    private async Task<RunStatus> StatusAsync()
    {
        if (state.State.State != RunState.Running || _work is not null)
        {
            return Status();
        }

        await state.ReadStateAsync();
        _config = null;
        return RunOwnership.Through(Status(), await RunLease.ReadAsync(store, this.GetPrimaryKeyString()), DateTimeOffset.UtcNow);
    }

    private RunStatus Status()
    {
        var s = state.State;
        var phases = s.Config is null ? [] : Config.Phases;
        var running = s.State == RunState.Running;
        return new RunStatus(
            this.GetPrimaryKeyString(), s.State, s.Name, s.Phases.Count, phases.Count,
            running && s.Phases.Count < phases.Count ? phases[s.Phases.Count].Name : null,
            running ? _detail : null, s.Error, s.SignalSetId, s.Attempts, RuntimeIdentity);
    }

    private async Task RunAsync()
    {
        var run = this.GetPrimaryKeyString();
        var results = new ResultsWriter(store);
        try
        {
            var config = Config;
            var classifiers = TopologyBuilder.Classifiers(config);
            await results.WriteMetadataAsync(run, Metadata(config));
            if (state.State.SignalSetId is null)
            {
                _detail = "generating signals";
                var generating = Stopwatch.StartNew();
                var generated = await AttemptAsync((attempt, _) => GrainFactory
                    .GetGrain<IGenerationGrain>($"{run}/generate/a{attempt}")
                    .RunAsync(GenerationRunOf(config)));
                state.State.SignalSetId = generated.SignalSetId;
                state.State.GenerationSeconds = generating.Elapsed.TotalSeconds;
                await SaveAsync();
            }

            IReadOnlyList<PortfolioConfig> incoming = state.State.Phases.Count == 0 ? [] : state.State.Phases[^1].Selected;
            for (var index = state.State.Phases.Count; index < config.Phases.Count; index++)
            {
                var phase = config.Phases[index];
                var clock = Stopwatch.StartNew();
                // A regime phase's labels, and an ensemble's: those of the regime phase before it.
                var classifier = phase.Kind == PhaseKind.Ensemble ? config.Phases[index - 1].Classifier : phase.Classifier;
                var labels = phase.Kind is PhaseKind.Regime or PhaseKind.Ensemble
                    ? classifiers.First(c => c.Key == classifier).Value.Labels
                    : [];
                var plan = PhasePlanner.Plan(config, phase, incoming, labels);
                _detail = $"replaying {plan.Count:N0} portfolios";

                // The phase hands back its best (all of a regime or validate phase), each kept whole when they are all it has;
                // a grid's or an ensemble search's every row goes straight into metrics.parquet as its shards finish.
                var keep = phase.Kind is PhaseKind.Grid or PhaseKind.Ensemble ? Math.Max(phase.Top, SummaryTop) : plan.Count;
                var whole = plan.Count <= keep;
                var replayed = await AttemptAsync((attempt, _) => GrainFactory
                    .GetGrain<IReplayGrain>($"{run}/{phase.Name}/a{attempt}")
                    .RunAsync(new ReplayRun(
                        state.State.SignalSetId!,
                        plan.Portfolios as GridPortfolios,
                        plan.Portfolios is GridPortfolios ? [] : [.. plan.Portfolios],
                        phase.Objective.ToString(),
                        Top: keep,
                        KeepDetail: whole,
                        Output: new PhaseOutput(run, phase.Name, phase.AllTrades),
                        Candidates: plan.Candidates is { } candidates ? [.. candidates] : null)));
                if (Interrupted)
                {
                    return;
                }

                var kept = replayed.Top.OrderBy(t => t.Index).ToList();
                var detailClock = Stopwatch.StartNew();
                if (!whole)
                {
                    // The best again, whole (their trades, equity and events): a replay gives the same bits.
                    _detail = $"keeping the best {kept.Count} whole";
                    PortfolioConfig[] best = [.. kept.Select(t => plan.Portfolios[t.Index])];
                    var detailed = await AttemptAsync((attempt, _) => GrainFactory
                        .GetGrain<IReplayGrain>($"{run}/{phase.Name}/detail/a{attempt}")
                        .RunAsync(new ReplayRun(state.State.SignalSetId!, null, best, phase.Objective.ToString(), Top: best.Length, KeepDetail: true)));
                    var byIndex = detailed.Top.ToDictionary(t => t.Index);
                    kept = [.. kept.Select((t, i) => t with { Result = byIndex[i].Result })];
                }

                detailClock.Stop();

                if (Interrupted)
                {
                    return;
                }

                var outcomes = kept
                    .Select(t => new PortfolioOutcome(plan.Portfolios[t.Index], plan.Candidate(t.Index), t.Result, t.Score))
                    .ToList();
                var result = PhasePlanner.Select(phase, outcomes);
                var statisticsClock = Stopwatch.StartNew();
                var overfitting = phase is { Kind: PhaseKind.Grid, PboTrials: > 0 }
                    ? await OverfittingAsync(run, phase, plan, kept.Select(t => t.Index))
                    : null;
                statisticsClock.Stop();
                if (Interrupted)
                {
                    return;
                }

                // Written before the phase is recorded as finished: a rerun after a crash rewrites the same bytes.
                await results.WriteDetailAsync(run, phase.Name, result.Ranked, trades: !phase.AllTrades);
                state.State.Phases.Add(new FinishedPhase(
                    phase.Name,
                    phase.Kind.ToString().ToLowerInvariant(),
                    phase.Objective.ToString(),
                    plan.Count,
                    [.. RunSummaries.TopCandidates(result, SummaryTop)],
                    [.. result.Selected],
                    clock.Elapsed.TotalSeconds,
                    replayed.ReplaySeconds,
                    replayed.WriteSeconds,
                    whole ? 0 : detailClock.Elapsed.TotalSeconds,
                    phase.Kind == PhaseKind.Grid ? TopologyBuilder.Skipped(config).Sum(s => s.Skipped) : 0,
                    replayed.Sharpes,
                    result.BestMoments(),
                    overfitting,
                    statisticsClock.Elapsed.TotalSeconds));
                await SaveAsync();
                incoming = result.Selected;
                if (incoming.Count == 0 && index < config.Phases.Count - 1)
                {
                    throw new InvalidOperationException(
                        $"Phase '{phase.Name}' found no portfolio it could pick (every one made no trade or has no {phase.Objective.Metric}); phase '{config.Phases[index + 1].Name}' has nothing to start from.");
                }
            }

            if (Interrupted)
            {
                return;
            }

            await results.WriteSummaryAsync(run, RunSummaries.Of(run, state.State.Phases));
            await results.WriteReportAsync(run, Metadata(Config) with { Status = RunState.Completed.Name() });
            await FinishAsync(RunState.Completed, error: null);
        }
        catch (Exception error) when (Interrupted)
        {
            // Work in flight when the run was interrupted (the silo may be stopping too): dropped, not a failure.
            logger.LogInformation(error, "Run {Run} was interrupted; its work in flight ended with an error", run);
        }
        catch (Exception error) when (error is RunFailedException or ArgumentException or InvalidOperationException or RunAttemptsExhaustedException)
        {
            logger.LogWarning(error, "Run {Run} failed", run);
            await FinishAsync(RunState.Failed, error.Message);
        }
        catch (Exception error) when (!IsClusterFailure(error))
        {
            // A fault of the product, not of the cluster: retrying would meet it again, so the run fails and says what it was.
            logger.LogError(error, "Run {Run} failed on an unexpected error", run);
            await FinishAsync(RunState.Failed, $"unexpected {error.GetType().Name}: {error.Message}");
        }
        finally
        {
            _work = null;
            if (!_leaseLost)
            {
                await ReleaseAsync();
            }
        }
    }

    /// <summary>
    /// A grid phase's Probability of Backtest Overfitting: a sample of its portfolios (its best and an even spread of the rest, up
    /// to the phase's <c>pbo_trials</c>) replayed with their day-end equity, their daily returns cross-validated by CSCV.
    /// </summary>
    private async Task<OverfittingEstimate> OverfittingAsync(string run, PhaseSection phase, PhasePlan plan, IEnumerable<int> best)
    {
        var sample = OverfittingEstimate.Sample(plan.Count, phase.PboTrials, best);
        _detail = $"estimating overfitting from {sample.Length:N0} portfolios";
        PortfolioConfig[] portfolios = [.. sample.Select(i => plan.Portfolios[i])];
        var replayed = await AttemptAsync((attempt, _) => GrainFactory
            .GetGrain<IReplayGrain>($"{run}/{phase.Name}/pbo/a{attempt}")
            .RunAsync(new ReplayRun(state.State.SignalSetId!, null, portfolios, phase.Objective.ToString(), Top: portfolios.Length, KeepDetail: true)));
        var curves = replayed.Top.OrderBy(t => t.Index).Select(t => (t.Result.EquityTime, t.Result.Equity)).ToList();
        return OverfittingEstimate.Of(curves, phase.PboPartitions);
    }

    /// <summary>Runs <paramref name="work"/> under a fresh attempt number until it finishes without a silo failure.</summary>
    private async Task<T> AttemptAsync<T>(Func<int, CancellationToken, Task<T>> work)
    {
        for (var tries = 1; ; tries++)
        {
            if (Interrupted)
            {
                throw new OperationCanceledException($"Run {this.GetPrimaryKeyString()} was interrupted.");
            }

            state.State.Attempts++;
            await SaveAsync();
            var attempt = state.State.Attempts;
            try
            {
                DelayDeactivation(TimeSpan.FromHours(1));
                return await new ClusterWatch(membership).RunAsync(token => work(attempt, token));
            }
            catch (Exception error) when (IsClusterFailure(error))
            {
                logger.LogWarning(error, "Attempt {Attempt} of run {Run} lost to a cluster failure; retrying", attempt, this.GetPrimaryKeyString());
                if (tries == MaxAttempts)
                {
                    throw new RunAttemptsExhaustedException($"Gave up after {MaxAttempts} attempts lost to cluster failures: {error.Message}");
                }
            }
        }
    }

    private static bool IsClusterFailure(Exception error) =>
        error is SiloLostException or SiloUnavailableException or TimeoutException or OrleansMessageRejectionException
        || (error is OrleansException && error is not RunFailedException);

    private async Task FinishAsync(RunState outcome, string? error)
    {
        state.State.State = outcome;
        state.State.Error = error;
        state.State.FinishedAt = DateTimeOffset.UtcNow;
        await SaveAsync();
        await new ResultsWriter(store).WriteMetadataAsync(this.GetPrimaryKeyString(), Metadata(Config));
        if (await this.GetReminder(ResumeReminder) is { } reminder)
        {
            await this.UnregisterReminder(reminder);
        }
    }

    /// <summary>Writes the state, one write at a time: an interrupt can arrive while the work is saving.</summary>
    private async Task SaveAsync()
    {
        await _saving.WaitAsync();
        try
        {
            await state.WriteStateAsync();
        }
        finally
        {
            _saving.Release();
        }
    }

    private RunMetadata Metadata(RunConfig config) => new(
        Version: 2,
        Workflow: this.GetPrimaryKeyString(),
        Name: config.Name,
        Status: state.State.State.Name(),
        Config: state.State.Config!,
        SignalSetId: state.State.SignalSetId,
        Dataset: config.Data.Dataset,
        Versions: ProductVersions.All,
        CreatedAt: state.State.CreatedAt,
        StartedAt: state.State.CreatedAt,
        FinishedAt: state.State.FinishedAt,
        Phases: [.. state.State.Phases.Select(p => new PhaseTiming(p.Name, p.Kind, p.Evaluated, p.Seconds, p.ReplaySeconds, p.WriteSeconds, p.DetailSeconds, p.StatisticsSeconds))],
        Error: state.State.Error,
        OriginalMetadata: null,
        MigratedFrom: null,
        GenerationSeconds: state.State.GenerationSeconds);

    private static GenerationRun GenerationRunOf(RunConfig config) => new(
        new GenerationRequest(config.Data.Dataset, config.Data.Series, TopologyBuilder.Strategies(config), TopologyBuilder.Classifiers(config)),
        new GenerationOptions { MaxBufferSize = config.Data.MaxBufferSize, BatchWindow = config.Data.Window });
}

/// <summary>Work kept failing on cluster failures; the run is failed rather than retried forever.</summary>
public sealed class RunAttemptsExhaustedException(string message) : Exception(message);
