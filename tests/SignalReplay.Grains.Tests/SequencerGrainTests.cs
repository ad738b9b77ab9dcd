using System.Diagnostics;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Storage;
using Orleans.TestingHost;
using SignalReplay.Abstractions;
using SignalReplay.Core.Optimization;
using SignalReplay.Core.Synthetic;
using SignalReplay.Grains.Optimization;
using SignalReplay.Storage.BaseData;
using SignalReplay.Storage.Objects;
using SignalReplay.Storage.Results;

namespace SignalReplay.Grains.Tests;

/// <summary>The sequencer on a 3-silo cluster: phases in order, results in the layout, and a run that survives a dead silo.</summary>
[Collection(ThreeSiloCollection.Name)]
public sealed class SequencerGrainTests(ThreeSiloFixture fixture)
{
    private const string Dataset = "sequencer";

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    /// <summary>A run of every phase kind but walk-forward, which <paramref name="walkForward"/> adds (2 windows of 30 days' training, 13 days' trading).</summary>
    private static string Config(string name, bool walkForward = false) => $$"""
        name: {{name}}
        data: { dataset: {{Dataset}}, series: [SYNA_1m, SYNB_1m, SYNC_1m], batch_window: 1d }
        classifiers: [ { name: trend, series: SYNA_1m } ]
        strategies:
          - { name: momentum, series: SYNA_1m, params: { fast: [5, 10, 20], slow: [40, 80] } }
          - { name: breakout, series: SYNC_1m, params: { length: [20, 40] } }
          - { name: mean_reversion, series: SYNB_1m }
        ensembles:
          - name: pair
            members:
              - { strategy: momentum, series: SYNA_1m, params: { fast: 5, slow: 40 }, weight: 0.5 }
              - { strategy: breakout, series: SYNC_1m, params: { length: 60 }, weight: 0.5 }
          - name: adaptive
            classifier: trend
            on_regime_exit: close
            members:
              - { strategy: momentum, series: SYNA_1m, params: { fast: 10, slow: 80 }, weight: 0.6, regimes: [TRENDING_UP] }
              - { strategy: mean_reversion, series: SYNB_1m, params: { length: 28 }, weight: 0.4, regimes: [TRENDING_DOWN, NEUTRAL] }
        portfolio:
          sizing: [ { fixed_fraction: [0.5, 1] } ]
          execution: { commission_bps: 1 }
          risk: { stop_loss: [none, 0.005, 0.01], take_profit: [none, 0.01] }
        phases:
          - { name: grid, kind: grid, top: 6, range: { from: 2024-01-02, to: 2024-02-01 }, pbo_partitions: 4 }
          - { name: regime, kind: regime, classifier: trend, range: { from: 2024-01-02, to: 2024-02-01 } }
          - { name: ensemble, kind: ensemble, members: 2, weight_step: 0.5, top: 3, range: { from: 2024-01-02, to: 2024-02-01 } }
          - { name: validate, kind: validate, top: 2, range: { from: 2024-02-01, to: 2024-02-27 }, walk_forward: 2 }
        {{(walkForward ? "  - { name: wf, kind: walk_forward, range: { from: 2024-01-02, to: 2024-02-27 }, train: 30d, test: 13d }" : string.Empty)}}
        tracing: trade_complete
        """;

    [Fact]
    public async Task A_run_whose_sequencer_silo_dies_mid_phase_resumes_and_writes_what_an_undisturbed_run_writes()
    {
        await EnsureDatasetAsync();
        var reference = await RunToEndAsync(fixture.Cluster.GrainFactory.GetGrain<ISequencerGrain>($"calm-{Guid.NewGuid():N}"), "calm", walkForward: true);
        Assert.Equal(RunState.Completed, reference.State);

        // A sequencer away from the primary silo (the primary holds the test cluster's membership table).
        var primary = fixture.Cluster.Primary!.SiloAddress.ToString();
        var (id, sequencer) = (string.Empty, default(ISequencerGrain)!);
        for (var i = 0; i < 50 && id.Length == 0; i++)
        {
            var candidate = $"storm-{i}-{Guid.NewGuid():N}";
            var grain = fixture.Cluster.GrainFactory.GetGrain<ISequencerGrain>(candidate);
            if ((await grain.GetStatusAsync()).Host != primary)
            {
                (id, sequencer) = (candidate, grain);
            }
        }

        Assert.NotEmpty(id);
        var status = await sequencer.StartAsync(new RunRequest(Config("storm", walkForward: true), "test"));
        var victim = fixture.Cluster.Silos.Single(silo => silo.SiloAddress.ToString() == status.Host);
        // Killed while some phase replays (a replay takes tens of milliseconds now: any of the run's replays will do).
        await UntilReplayingAsync(sequencer, status);
        await fixture.Cluster.KillSiloAsync(victim, Cancel);
        var resumed = await RunToEndAsync(sequencer, "storm", walkForward: true);

        Assert.Equal(RunState.Completed, resumed.State);
        Assert.NotEqual(victim.SiloAddress.ToString(), resumed.Host);
        Assert.True(resumed.Attempts > reference.Attempts, $"Expected a retried attempt: {resumed.Attempts} vs {reference.Attempts}.");
        var storm = await AssertSameResultsAsync(reference.RunId, id);
        Assert.Equal(("wf", Workflow.OutOfSample), (storm.Choice!.Phase, storm.Choice.Candidate));
        Assert.Equal((9 + 2) * 12, storm.Phases[0].Evaluated); // 9 strategy instances and 2 ensembles x 12 portfolio alternatives

        // Walk-forward: 2 windows, each choosing a regime-adaptive ensemble afresh.
        var walkForward = storm.Phases[^1].WalkForward!;
        Assert.Equal(2, walkForward.Windows.Count);
        Assert.All(walkForward.Windows, w => Assert.StartsWith("ensemble(", w.Choice, StringComparison.Ordinal));
        Assert.Equal(walkForward.Windows[^1].Choice, storm.Choice.Portfolio);
        Assert.Equal(walkForward.Windows.Sum(w => w.Trials), storm.Phases[^1].Evaluated);

        // The selection statistics, the same after the failover: every grid, regime, ensemble and walk-forward window portfolio a trial, PBO over the whole grid.
        var statistics = storm.Statistics!;
        Assert.Equal(storm.Phases.Where(p => p.Kind != "validate").Sum(p => p.Evaluated), statistics.Trials);
        Assert.Equal((storm.Phases[0].Evaluated, 4), (statistics.PboTrials, statistics.PboPartitions));
        Assert.InRange(statistics.Pbo, 0, 1);
        Assert.InRange(statistics.Psr, 0, 1);
        Assert.InRange(statistics.DeflatedSharpe, 0, statistics.Psr);
        Assert.True(statistics.ExpectedMaxSharpe > 0);
        Assert.Empty(statistics.Notes);
    }

    [Fact]
    public async Task An_interrupted_run_keeps_what_it_finished_and_resumes_to_the_results_of_an_undisturbed_run()
    {
        await EnsureDatasetAsync();
        var reference = await RunToEndAsync(fixture.Cluster.GrainFactory.GetGrain<ISequencerGrain>($"steady-{Guid.NewGuid():N}"), "steady");
        var id = $"paused-{Guid.NewGuid():N}";
        var sequencer = fixture.Cluster.GrainFactory.GetGrain<ISequencerGrain>(id);
        await UntilReplayingAsync(sequencer, await sequencer.StartAsync(new RunRequest(Config("paused"), "test")));

        var interrupted = await sequencer.InterruptAsync("paused by the test");
        Assert.Equal(RunState.Interrupted, interrupted.State);
        await Task.Delay(TimeSpan.FromMilliseconds(500), Cancel); // the replay in flight ends, and is dropped
        var later = await sequencer.GetStatusAsync();
        Assert.Equal((RunState.Interrupted, interrupted.PhasesDone, "paused by the test"), (later.State, later.PhasesDone, later.Error));
        Assert.Equal("interrupted", (await new ResultsReader(fixture.Store).ReadMetadataAsync(id, Cancel))!.Status);
        Assert.Equal("paused by the test", (await sequencer.InterruptAsync("again")).Error); // interrupting twice changes nothing

        Assert.Equal(RunState.Running, (await sequencer.ResumeAsync()).State);
        var done = await RunToEndAsync(sequencer, "paused");

        Assert.Equal(RunState.Completed, done.State);
        Assert.Null(done.Error);
        await AssertSameResultsAsync(reference.RunId, id);
        Assert.Equal(RunState.Completed, (await sequencer.ResumeAsync()).State); // resuming a finished run changes nothing
    }

    [Fact]
    public async Task Every_results_object_carries_its_retention_class()
    {
        await EnsureDatasetAsync();
        var status = await RunToEndAsync(fixture.Cluster.GrainFactory.GetGrain<ISequencerGrain>($"tags-{Guid.NewGuid():N}"), "tags");

        var objects = new List<ObjectInfo>();
        await foreach (var info in fixture.Store.ListAsync(ResultsLayout.Prefix(status.RunId), Cancel))
        {
            objects.Add(info);
        }

        Assert.Contains(objects, o => o.Key.Value.EndsWith(".jsonl.gz", StringComparison.Ordinal));
        Assert.All(objects, o => Assert.Equal(SignalReplay.Storage.Retention.RetentionPolicy.TagValue(ResultsLayout.ClassOf(o.Key)), o.Tags["retention"]));
        Assert.Equal("summary", objects.Single(o => o.Key.Value.EndsWith("summary.json", StringComparison.Ordinal)).Tags["retention"]);
        Assert.Equal("events", objects.First(o => o.Key.Value.EndsWith(".jsonl.gz", StringComparison.Ordinal)).Tags["retention"]);
    }

    [Fact]
    public async Task A_second_start_with_another_configuration_is_refused()
    {
        await EnsureDatasetAsync();
        var grain = fixture.Cluster.GrainFactory.GetGrain<ISequencerGrain>($"twice-{Guid.NewGuid():N}");
        await RunToEndAsync(grain, "twice");

        await Assert.ThrowsAsync<ArgumentException>(() => grain.StartAsync(new RunRequest(Config("other"), "test")));
        Assert.Equal(RunState.Completed, (await grain.StartAsync(new RunRequest(Config("twice"), "test"))).State);
    }

    /// <summary>Polls until some phase of the run is replaying (a phase's replay lasts tens of milliseconds).</summary>
    private static async Task UntilReplayingAsync(ISequencerGrain sequencer, RunStatus status)
    {
        var clock = Stopwatch.StartNew();
        while (status.Detail?.StartsWith("replaying", StringComparison.Ordinal) != true)
        {
            Assert.False(status.IsFinished, $"The run finished before it could be disturbed: {status}");
            Assert.True(clock.Elapsed < TimeSpan.FromMinutes(2), $"No phase started replaying: {status}");
            await Task.Delay(1, Cancel);
            status = await sequencer.GetStatusAsync();
        }
    }

    [Fact]
    public async Task Run_state_is_stored_in_binary_and_a_json_state_of_an_earlier_version_still_reads()
    {
        await EnsureDatasetAsync();
        var source = $"binary-{Guid.NewGuid():N}";
        var done = await RunToEndAsync(fixture.Cluster.GrainFactory.GetGrain<ISequencerGrain>(source), "binary");
        var services = fixture.Cluster.Silos.Cast<InProcessSiloHandle>().First().SiloHost.Services;
        var binary = await fixture.Store.ReadAllBytesAsync(StateKey(source), Cancel);
        var state = new OrleansGrainStorageSerializer(services.GetRequiredService<Orleans.Serialization.Serializer>()).Deserialize<SequencerState>(new BinaryData(binary))!;
        Assert.Equal((4, RunState.Completed), (state.Phases.Count, state.State)); // binary, with every finished phase's selection

        // An interrupted run as the JSON serializer of before wrote it (earlier versions could read back only states
        // before their first finished phase: JSON named every domain type and then refused to read them).
        state.State = RunState.Interrupted;
        state.Phases.Clear();
        var json = services.GetRequiredService<IGrainStorageSerializer>().Serialize(state).ToArray();
        var legacy = $"json-{Guid.NewGuid():N}";
        await fixture.Store.PutBytesAsync(StateKey(legacy), json, cancellationToken: Cancel);
        var status = await fixture.Cluster.GrainFactory.GetGrain<ISequencerGrain>(legacy).GetStatusAsync();

        Assert.NotEqual((byte)'{', binary[0]);
        Assert.Equal((byte)'{', json[0]);
        Assert.Equal((RunState.Interrupted, "binary", 0, done.SignalSetId), (status.State, status.Name, status.PhasesDone, status.SignalSetId));
    }

    [Fact]
    public void A_walk_forward_windows_strategy_instances_survive_orleans_serialization_and_an_absent_list_stays_absent()
    {
        var serializer = fixture.Cluster.Silos.Cast<InProcessSiloHandle>().First().SiloHost.Services.GetRequiredService<Orleans.Serialization.Serializer>();
        var window = new WalkForwardWindow(2, new Core.Portfolio.TradingWindow(0, 10), new Core.Portfolio.TradingWindow(10, 20), "ensemble-0123456789abcdef|ff=1", 1.5, 0.5, 1_000, 1_100, 9, ["momentum(fast=5,slow=20)@SYNA_1m", "breakout(length=20)@SYNC_1m"]);

        var copy = serializer.Deserialize<WalkForwardWindow>(serializer.SerializeToArray(window))!;
        var without = serializer.Deserialize<WalkForwardWindow>(serializer.SerializeToArray(window with { Instances = null }))!;

        Assert.Equal(window.Instances, copy.Instances);
        Assert.Equal(window with { Instances = null }, copy with { Instances = null });
        Assert.Null(without.Instances);
    }

    private static ObjectKey StateKey(string run) => ObjectKey.Parse($"grain-state/signalreplay/sequencer/sequencer/{run}");

    /// <summary>Asserts that two runs of the same configuration wrote the same metrics and trades in every phase and the same summary.</summary>
    private async Task<RunSummary> AssertSameResultsAsync(string reference, string run)
    {
        var store = fixture.Store;
        var reader = new ResultsReader(store);
        var expected = await reader.ReadSummaryAsync(reference, Cancel);
        foreach (var phase in expected!.Phases.Select(p => p.Phase))
        {
            Assert.Equal(await store.ReadAllBytesAsync(ResultsLayout.Metrics(reference, phase), Cancel), await store.ReadAllBytesAsync(ResultsLayout.Metrics(run, phase), Cancel));
            Assert.Equal(await store.ReadAllBytesAsync(ResultsLayout.Trades(reference, phase), Cancel), await store.ReadAllBytesAsync(ResultsLayout.Trades(run, phase), Cancel));
            Assert.Equal(await store.ReadAllBytesAsync(ResultsLayout.Equity(reference, phase), Cancel), await store.ReadAllBytesAsync(ResultsLayout.Equity(run, phase), Cancel));
        }

        var actual = await reader.ReadSummaryAsync(run, Cancel);
        Assert.Equal(
            System.Text.Json.JsonSerializer.Serialize(expected! with { Workflow = string.Empty }, ResultsJson.Options),
            System.Text.Json.JsonSerializer.Serialize(actual! with { Workflow = string.Empty }, ResultsJson.Options));
        return actual!;
    }

    [Fact]
    public async Task A_run_is_one_span_with_a_child_per_phase_and_our_meters_count_its_work()
    {
        await EnsureDatasetAsync();
        var spans = new List<Activity>();
        var metrics = new List<OpenTelemetry.Metrics.Metric>();
        using var tracing = OpenTelemetry.Sdk.CreateTracerProviderBuilder().AddSource(Core.Telemetry.SignalReplayTelemetry.Name).AddInMemoryExporter(spans).Build();
        using var metering = OpenTelemetry.Sdk.CreateMeterProviderBuilder().AddMeter(Core.Telemetry.SignalReplayTelemetry.Name).AddInMemoryExporter(metrics).Build();
        var id = $"traced-{Guid.NewGuid():N}";

        var status = await RunToEndAsync(fixture.Cluster.GrainFactory.GetGrain<ISequencerGrain>(id), "traced");
        // The run's span ends a moment after its status says completed (the lease is released first).
        bool Ended(Activity span) => span.DisplayName == "run" && (string?)span.GetTagItem("signalreplay.run") == id;
        var clock = Stopwatch.StartNew();
        while (!spans.ToArray().Any(Ended) && clock.Elapsed < TimeSpan.FromSeconds(30))
        {
            await Task.Delay(50, Cancel);
            tracing!.ForceFlush();
        }

        metering!.ForceFlush();

        Assert.Equal(RunState.Completed, status.State);
        var run = Assert.Single(spans.ToArray(), Ended);

        Assert.Equal("completed", run.GetTagItem(Core.Telemetry.SignalReplayTelemetry.OutcomeTag));
        var phases = spans.Where(span => span.ParentSpanId == run.SpanId).OrderBy(span => span.StartTimeUtc).Select(span => span.DisplayName).ToList();
        Assert.Equal(["phase grid", "phase regime", "phase ensemble", "phase validate"], phases);
        var grid = spans.Single(span => span.ParentSpanId == run.SpanId && span.DisplayName == "phase grid");
        Assert.Equal("grid", grid.GetTagItem(Core.Telemetry.SignalReplayTelemetry.PhaseKindTag));
        Assert.True((int)grid.GetTagItem("signalreplay.portfolios")! > 0);

        long Sum(string name) => metrics.Where(m => m.Name == name).Sum(m =>
        {
            var total = 0L;
            foreach (ref readonly var point in m.GetMetricPoints())
            {
                total += m.MetricType == OpenTelemetry.Metrics.MetricType.Histogram ? point.GetHistogramCount() : point.GetSumLong();
            }

            return total;
        });
        Assert.True(Sum("signalreplay.portfolios.replayed") > 0);
        Assert.True(Sum("signalreplay.signal_batches.delivered") > 0);
        Assert.True(Sum("signalreplay.phase.duration") >= 4);
        Assert.True(Sum("signalreplay.runs.finished") >= 1);
    }

    private async Task<RunStatus> RunToEndAsync(ISequencerGrain sequencer, string name, bool walkForward = false)
    {
        var status = await sequencer.GetStatusAsync();
        if (status.State == RunState.Unknown || status.Name != name)
        {
            status = await sequencer.StartAsync(new RunRequest(Config(name, walkForward), "test"));
        }

        var clock = Stopwatch.StartNew();
        while (!status.IsFinished)
        {
            Assert.True(clock.Elapsed < TimeSpan.FromMinutes(4), $"The run did not finish: {status}");
            await Task.Delay(100, Cancel);
            status = await sequencer.GetStatusAsync();
        }

        return status;
    }

    private async Task EnsureDatasetAsync()
    {
        if (!await fixture.Store.ExistsAsync(ObjectKey.Parse($"data/base/{Dataset}/manifest.json"), Cancel))
        {
            var market = SyntheticMarket.Generate(SyntheticMarketOptions.Default with { TradingDays = 40 });
            await new BaseDatasetStore(fixture.Store).WriteAsync(Dataset, market.Series, Cancel);
        }
    }
}
