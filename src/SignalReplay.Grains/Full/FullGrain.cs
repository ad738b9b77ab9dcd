using SignalReplay.Abstractions;
using SignalReplay.Grains.Generation;
using SignalReplay.Grains.Replay;
using SignalReplay.Storage.Objects;

namespace SignalReplay.Grains.Full;

/// <summary>
/// The full topology (SPEC 3): generate and trade in one pass, storing nothing. Series grains publish
/// bars to the run's feature grain, which publishes what each batch released on the same signal and
/// regime streams a replay uses, to the same portfolio grains. It exists so that replay can be proved
/// equal to it. The grain's key is the run id.
/// </summary>
public sealed class FullGrain(IObjectStore store) : Grain, IFullGrain
{
    public async Task<ReplaySummary> RunAsync(FullSpec spec)
    {
        spec = spec with { Generation = GenerationSpecs.Canonical(spec.Generation) };
        var request = GenerationSpecs.ToRequest(spec.Generation);
        var plan = await GenerationGrain.PlanAsync(store, request);

        var classifierSeries = request.Classifiers.ToDictionary(c => c.Key, c => c.Value.Primary, StringComparer.Ordinal);
        PortfolioRun.Validate(spec.Portfolios, [.. request.Strategies.Select(s => s.InstanceId)], classifierSeries, "the run's generation spec", spec.Objective);
        var run = this.GetPrimaryKeyString();
        var portfolios = await PortfolioRun.StartAsync(GrainFactory, run, spec.Generation.Dataset, spec.Portfolios, classifierSeries, spec.Objective, spec.Details);

        var (strategies, classifiers) = PortfolioRun.Streams(spec.Portfolios);
        var feature = GrainFactory.GetGrain<IFeatureGrain>(run);
        await feature.StartFullAsync(spec.Generation, strategies, classifiers);
        var rounds = await GenerationGrain.PublishSeriesAsync(GrainFactory, run, spec.Generation, plan);
        var generated = await feature.CompleteAsync();

        var summaries = await portfolios.CompleteAsync();
        return new ReplaySummary(summaries, rounds, generated.SignalBatchesPublished, summaries.Sum(s => s.SignalBatchesDelivered));
    }
}
