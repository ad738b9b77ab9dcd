using SignalReplay.Abstractions;
using SignalReplay.Core.Generation;
using SignalReplay.Storage.Objects;
using SignalReplay.Storage.Parquet;
using SignalReplay.Storage.Signals;

namespace SignalReplay.Grains.Generation;

/// <summary>
/// Runs the generate topology (SPEC 3): checks whether the signal set is stored (a hit computes
/// nothing); otherwise starts the run's feature grain and has every series grain publish window by
/// window, all series of a window before the next, so the alignment buffer stays small.
/// The grain's key is the run id.
/// </summary>
public sealed class GenerationGrain(IObjectStore store) : Grain, IGenerationGrain
{
    public async Task<GenerationSummary> RunAsync(GenerationSpec spec)
    {
        spec = GenerationSpecs.Canonical(spec);
        var plan = await PlanAsync(store, GenerationSpecs.ToRequest(spec));
        if (plan.Existing is { } existing)
        {
            return new GenerationSummary(existing.Id, CacheHit: true, 0, existing.Bars.Values.Sum(), 0);
        }

        var run = this.GetPrimaryKeyString();
        var feature = GrainFactory.GetGrain<IFeatureGrain>(run);
        await feature.StartAsync(spec);
        await PublishSeriesAsync(GrainFactory, run, spec, plan);
        return await feature.CompleteAsync();
    }

    /// <summary>Plans a generation against the store: its set id, spans and base hashes; stored-data errors become <see cref="RunFailedException"/>.</summary>
    internal static async Task<GenerationPlan> PlanAsync(IObjectStore store, GenerationRequest request)
    {
        try
        {
            return await new SignalSetStore(store).PlanAsync(request);
        }
        catch (StoredDataException error)
        {
            // Storage exceptions are not wire types: callers get the reason in one that is.
            throw new RunFailedException(error.Message);
        }
    }

    /// <summary>
    /// Has every series grain publish its bars on the run's bar stream, window by window, all series of a
    /// window before the next; returns the number of windows (rounds).
    /// </summary>
    internal static async Task<int> PublishSeriesAsync(IGrainFactory grains, string run, GenerationSpec spec, GenerationPlan plan)
    {
        var series = spec.Series.Select(name => grains.GetGrain<ISeriesGrain>($"{spec.Dataset}/{name}")).ToArray();
        var first = plan.Spans.Values.Min(span => span.First);
        var last = plan.Spans.Values.Max(span => span.Last);
        var rounds = 0;
        foreach (var window in BarBatches.Windows(first, last, spec.BatchWindow))
        {
            await Task.WhenAll(series.Select((grain, ordinal) => grain.PublishAsync(run, ordinal, window.Start, window.End, window.IsLast)));
            rounds++;
        }

        return rounds;
    }
}
