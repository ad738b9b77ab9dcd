using System.Diagnostics;
using Microsoft.Extensions.Logging;
using SignalReplay.Abstractions;
using SignalReplay.Core.Generation;
using SignalReplay.Core.Optimization;
using SignalReplay.Core.Portfolio;
using SignalReplay.Core.Telemetry;
using SignalReplay.Storage.BaseData;
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
            SignalReplayTelemetry.RunsFinished.Add(1, new KeyValuePair<string, object?>(SignalReplayTelemetry.OutcomeTag, RunState.Interrupted.Name()));
            logger.LogInformation("Run {Run} interrupted: {Reason}", this.GetPrimaryKeyString(), reason);
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
        using var span = SignalReplayTelemetry.Source.StartActivity("run", ActivityKind.Internal);
        span?.SetTag("signalreplay.run", run).SetTag("signalreplay.run.attempt", state.State.Attempts);
        var clock = Stopwatch.StartNew();
        try
        {
            var config = Config;
            span?.SetTag("signalreplay.run.name", config.Name);
            logger.LogInformation(
                "Run {Run} ({Name}) started at phase {From} of {Phases} on dataset {Dataset}", run, config.Name, state.State.Phases.Count + 1, config.Phases.Count, config.Data.Dataset);
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
                logger.LogInformation("Run {Run} generated signal set {SignalSet} in {Seconds:F1} s", run, generated.SignalSetId, generating.Elapsed.TotalSeconds);
            }

            var workflow = new Workflow(config, new Host(this, store, run, state.State.SignalSetId!));
            for (var index = state.State.Phases.Count; index < config.Phases.Count; index++)
            {
                var incoming = index == 0 ? [] : state.State.Phases[^1].Selected;
                var phase = await workflow.RunPhaseAsync(index, incoming);
                state.State.Phases.Add(phase);
                await SaveAsync();
                logger.LogInformation(
                    "Run {Run} finished phase {Phase} ({Kind}): {Portfolios} portfolios in {Seconds:F1} s, best {Best}",
                    run, phase.Name, phase.Kind.Name(), phase.Evaluated, phase.Seconds, phase.Best.FirstOrDefault()?.Portfolio ?? "-");
                if (phase.Selected.Count == 0 && index < config.Phases.Count - 1)
                {
                    throw new InvalidOperationException(
                        $"Phase '{phase.Name}' found no portfolio it could pick (every one made no trade or has no {config.Phases[index].Objective.Metric}); phase '{config.Phases[index + 1].Name}' has nothing to start from.");
                }
            }

            if (Interrupted)
            {
                return;
            }

            await results.WriteSummaryAsync(run, RunSummaries.Of(run, state.State.Phases));
            await results.WriteReportAsync(run, Metadata(Config) with { Status = RunState.Completed.Name() });
            await FinishAsync(RunState.Completed, error: null);
            logger.LogInformation("Run {Run} completed in {Seconds:F1} s", run, clock.Elapsed.TotalSeconds);
        }
        catch (Exception error) when (Interrupted)
        {
            // Work in flight when the run was interrupted (the silo may be stopping too): dropped, not a failure.
            logger.LogInformation(error, "Run {Run} was interrupted; its work in flight ended with an error", run);
        }
        catch (Exception error) when (error is RunFailedException or ArgumentException or InvalidOperationException or RunAttemptsExhaustedException)
        {
            logger.LogWarning(error, "Run {Run} failed: {Error}", run, error.Message);
            span?.SetStatus(ActivityStatusCode.Error, error.Message);
            await FinishAsync(RunState.Failed, error.Message);
        }
        catch (Exception error) when (!IsClusterFailure(error))
        {
            // A fault of the product, not of the cluster: retrying would meet it again, so the run fails and says what it was.
            logger.LogError(error, "Run {Run} failed on an unexpected error", run);
            span?.SetStatus(ActivityStatusCode.Error, error.Message);
            await FinishAsync(RunState.Failed, $"unexpected {error.GetType().Name}: {error.Message}");
        }
        finally
        {
            span?.SetTag(SignalReplayTelemetry.OutcomeTag, state.State.State.Name());
            _work = null;
            if (!_leaseLost)
            {
                await ReleaseAsync();
            }
        }
    }

    /// <summary>
    /// The workflow's host in this grain: each replay job runs on a replay grain keyed by the run, the job and the attempt (so a retry
    /// after a silo failure is fresh work), a phase's files go to the run's results, and interrupting the run stops the workflow at its next step.
    /// </summary>
    private sealed class Host(SequencerGrain sequencer, IObjectStore store, string run, string signalSet) : IWorkflowHost
    {
        private IReadOnlyList<long>? _barTimes;

        /// <summary>The metrics files' per-parameter columns (<c>momentum.fast</c>).</summary>
        private IReadOnlyList<string> Parameters => field ??= TopologyBuilder.ParameterColumns(sequencer.Config);

        public async Task<ReplayedPlan> ReplayAsync(ReplayJob job)
        {
            var portfolios = job.Plan.Portfolios;
            var outcome = await sequencer.AttemptAsync((attempt, _) => sequencer.GrainFactory
                .GetGrain<IReplayGrain>($"{run}/{job.Key}/a{attempt}")
                .RunAsync(new ReplayRun(
                    signalSet,
                    portfolios as GridPortfolios,
                    portfolios is GridPortfolios ? [] : [.. portfolios],
                    job.Objective.ToString(),
                    Top: job.Top,
                    KeepDetail: job.KeepDetail,
                    Output: job.Streamed is { } phase ? new PhaseOutput(run, phase.Name, phase.AllTrades, [.. Parameters]) : null,
                    Candidates: job.Streamed is not null && job.Plan.Candidates is { } candidates ? [.. candidates] : null)));
            StopIfInterrupted();
            return new ReplayedPlan([.. outcome.Top.Select(t => new ScoredPortfolio(t.Index, t.Score, t.Result))], outcome.ReplaySeconds, outcome.WriteSeconds, outcome.Sharpes);
        }

        public async Task WritePhaseAsync(PhaseSection phase, IReadOnlyList<PortfolioOutcome> kept, bool metricsStreamed)
        {
            StopIfInterrupted();
            var results = new ResultsWriter(store);
            await (metricsStreamed
                ? results.WriteDetailAsync(run, phase.Name, kept, trades: !phase.AllTrades)
                : results.WritePhaseAsync(run, phase.Name, kept, Parameters));
        }

        public async Task<IReadOnlyList<long>> BarTimesAsync()
        {
            var config = sequencer.Config;
            return _barTimes ??= (await new BaseDatasetStore(store).ReadSeriesAsync(config.Data.Dataset, config.Data.Series[0])).Time.ToArray();
        }

        public void Report(string detail) => sequencer._detail = detail;

        private void StopIfInterrupted()
        {
            if (sequencer.Interrupted)
            {
                throw new OperationCanceledException($"Run {run} was interrupted.");
            }
        }
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
        SignalReplayTelemetry.RunsFinished.Add(1, new KeyValuePair<string, object?>(SignalReplayTelemetry.OutcomeTag, outcome.Name()));
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
        Phases: [.. state.State.Phases.Select(p => new PhaseTiming(p.Name, p.Kind.Name(), p.Evaluated, p.Seconds, p.ReplaySeconds, p.WriteSeconds, p.DetailSeconds, p.StatisticsSeconds))],
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
