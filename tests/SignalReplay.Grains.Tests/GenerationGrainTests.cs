using SignalReplay.Abstractions;
using SignalReplay.Core.Data;
using SignalReplay.Core.Generation;
using SignalReplay.Grains.Generation;
using SignalReplay.Storage.BaseData;
using SignalReplay.Storage.Objects;
using SignalReplay.Storage.Signals;

namespace SignalReplay.Grains.Tests;

[Collection(ClusterCollection.Name)]
public sealed class GenerationGrainTests(ClusterFixture fixture)
{
    private static readonly string[] Names = ["SPY_1m", "IBM_1m", "BAC_1m", "AIG_1m", "BAC_5m"];

    private async Task<IReadOnlyList<BarSeries>> StoreLeanAsync()
    {
        var minute = Names[..4].Select(name => CsvBarReader.Read(SharedData.Require($"lean-minute/{name}.csv"), SeriesId.Parse(name))).ToList();
        minute.Add(Resampler.Resample(minute[2], Timeframe.Parse("5m")));
        await new BaseDatasetStore(fixture.Store).WriteAsync("lean", minute, TestContext.Current.CancellationToken);
        return minute;
    }

    private static SeriesId[] Series(string series) => [.. series.Split('+').Select(SeriesId.Parse)];

    private static Strategy Strategy(string name, string series, Dictionary<string, double>? parameters = null) =>
        DeciderCatalog.Strategy(name, Series(series), parameters);

    private static GenerationRun Spec(int fast, string dataset = "lean") => new(
        new GenerationRequest(
            dataset,
            [.. Names.Select(SeriesId.Parse)],
            [
                Strategy("momentum", "SPY_1m", new() { ["fast"] = fast, ["slow"] = 30 }),
                Strategy("momentum", "IBM_1m", new() { ["fast"] = fast, ["slow"] = 40, ["long_only"] = 1 }),
                Strategy("mean_reversion", "BAC_1m"),
                Strategy("breakout", "AIG_1m", new() { ["length"] = 15 }),
                Strategy("correlation_momentum", "SPY_1m+IBM_1m+BAC_5m", new() { ["lookback"] = 10, ["correlation_length"] = 30, ["min_correlation"] = 0 }),
            ],
            [
                new("trend", DeciderCatalog.Classifier("trend", Series("SPY_1m"))),
                new("volatility", DeciderCatalog.Classifier("volatility", Series("SPY_1m"), new Dictionary<string, double> { ["length"] = 30 })),
            ]),
        new GenerationOptions { MaxBufferSize = 20_000, BatchWindow = TimeSpan.FromHours(6) });

    private Task<GenerationSummary> RunAsync(GenerationRun spec) =>
        fixture.Cluster.GrainFactory.GetGrain<IGenerationGrain>($"run-{Guid.NewGuid():N}").RunAsync(spec);

    [Fact]
    public async Task Generation_on_grains_equals_the_core_pipeline_bit_for_bit()
    {
        var series = await StoreLeanAsync();
        var spec = Spec(fast: 5);

        var summary = await RunAsync(spec);

        Assert.False(summary.CacheHit);
        var stored = await new SignalSetStore(fixture.Store).ReadAsync(summary.SignalSetId, TestContext.Current.CancellationToken);
        SignalSetAssert.Same(SignalGeneration.Run(series, spec.Request.Strategies, spec.Request.Classifiers), stored);
        // Batches, never bars: a handful of messages per series and 6-hour window, far fewer than bars.
        Assert.InRange(summary.BatchesDelivered, Names.Length, series.Sum(s => s.Count) / 20);
        Assert.Equal(series.Sum(s => (long)s.Count), summary.BarsProcessed);
    }

    [Fact]
    public async Task Running_the_same_generation_again_is_a_cache_hit()
    {
        await StoreLeanAsync();
        var first = await RunAsync(Spec(fast: 7));

        var second = await RunAsync(Spec(fast: 7));

        Assert.False(first.CacheHit);
        Assert.True(second.CacheHit);
        Assert.Equal(first.SignalSetId, second.SignalSetId);
        Assert.Equal(0, second.BatchesDelivered);
    }

    [Fact]
    public async Task An_unknown_strategy_on_the_wire_fails_the_call_with_its_name()
    {
        await StoreLeanAsync();
        // A client sends what the catalog does not know (an older or newer build): the silo refuses it by name.
        var wire = new GenerationRequestSurrogate
        {
            Dataset = "lean",
            Series = ["SPY_1m"],
            Strategies = [new DeciderSurrogate { Name = "momentum2", Series = ["SPY_1m"], Parameters = [] }],
            Classifiers = [],
        };

        var error = Assert.ThrowsAny<Exception>(() => new GenerationRequestConverter().ConvertFromSurrogate(wire));

        Assert.Contains("Unknown strategy 'momentum2'", error.Message);
    }

    [Fact]
    public async Task A_series_missing_from_the_dataset_fails_the_run_naming_it()
    {
        await StoreLeanAsync();
        var spec = Spec(fast: 5) with { Request = Spec(fast: 5).Request with { Series = [.. Names.Select(SeriesId.Parse), SeriesId.Parse("QQQ_1m")] } };

        var error = await Assert.ThrowsAsync<ArgumentException>(() => RunAsync(spec));

        Assert.Contains("Base dataset 'lean' has no series QQQ_1m", error.Message);
    }

    [Fact]
    public async Task A_base_file_that_does_not_match_its_manifest_fails_the_run_naming_it()
    {
        var series = await StoreLeanAsync();
        var datasets = new BaseDatasetStore(fixture.Store);
        await datasets.WriteAsync("tampered", series, TestContext.Current.CancellationToken);
        var ibm = await fixture.Store.ReadAllBytesAsync(ObjectKey.Parse(await datasets.SeriesKeyAsync("tampered", SeriesId.Parse("IBM_1m"), TestContext.Current.CancellationToken)), TestContext.Current.CancellationToken);
        var spy = await datasets.SeriesKeyAsync("tampered", SeriesId.Parse("SPY_1m"), TestContext.Current.CancellationToken);
        await fixture.Store.PutBytesAsync(ObjectKey.Parse(spy), ibm, cancellationToken: TestContext.Current.CancellationToken);

        var error = await Assert.ThrowsAsync<RunFailedException>(() => RunAsync(Spec(fast: 11, dataset: "tampered")));

        Assert.Contains(spy, error.Message);
    }

    [Fact]
    public async Task An_alignment_buffer_overflow_fails_the_run_with_a_clear_error()
    {
        await StoreLeanAsync();
        // A week-long window puts every bar of the run in flight at once.
        var spec = Spec(fast: 9) with { Options = new GenerationOptions { MaxBufferSize = 1_000, BatchWindow = TimeSpan.FromDays(7) } };

        var error = await Assert.ThrowsAsync<RunFailedException>(() => RunAsync(spec));

        Assert.Contains("TimeAlignmentBuffer overflow", error.Message);
        Assert.Contains("max_buffer_size 1000", error.Message);
    }
}
