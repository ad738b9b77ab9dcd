using SignalReplay.Abstractions;
using SignalReplay.Core.Generation;
using SignalReplay.Grains.Replay;
using SignalReplay.Storage.Objects;
using SignalReplay.Storage.Parquet;
using SignalReplay.Storage.Signals;

namespace SignalReplay.Grains.Generation;

/// <summary>
/// Runs the generate topology (SPEC 3): checks whether the signal set is stored whole (a hit computes
/// nothing); otherwise starts the run's feature grain and has every series grain publish window by
/// window, all series of a window before the next, so the alignment buffer stays small. Bar batches wait
/// for the feature grain's acknowledgements (back-pressure). The grain's key is the run id.
/// </summary>
public sealed class GenerationGrain(IObjectStore store, SignalReplayOptions options) : PublishingGrain(options), IGenerationGrain
{
    public async Task<GenerationSummary> RunAsync(GenerationRun run)
    {
        run = run with { Request = run.Request.Canonical() };
        var plan = await PlanAsync(store, run.Request);
        if (plan.Existing is { } existing)
        {
            return new GenerationSummary(existing.Id, CacheHit: true, 0, existing.Bars.Values.Sum(), 0);
        }

        var key = this.GetPrimaryKeyString();
        var feature = GrainFactory.GetGrain<IFeatureGrain>(key);
        await feature.StartAsync(run, this.AsReference<IGenerationGrain>());
        await PublishSeriesAsync(GrainFactory, key, run, plan, Credits);
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
    /// Has every series grain publish its bars on the run's bar stream, window by window, all series of a window
    /// before the next, each batch taking a credit the feature grain gives back; returns the number of windows.
    /// </summary>
    internal static async Task<int> PublishSeriesAsync(IGrainFactory grains, string run, GenerationRun spec, GenerationPlan plan, DeliveryCredits credits)
    {
        var series = spec.Request.Series.Select(id => grains.GetGrain<ISeriesGrain>($"{spec.Request.Dataset}/{id}")).ToArray();
        var first = plan.Spans.Values.Min(span => span.First);
        var last = plan.Spans.Values.Max(span => span.Last);
        var rounds = 0;
        foreach (var window in BarBatches.Windows(first, last, spec.Options.BatchWindow))
        {
            // A window's batches go out at most credits.Limit at a time: each one is a message in a queue.
            foreach (var chunk in series.Index().Chunk(credits.Limit))
            {
                await credits.TakeAsync(chunk.Length, CancellationToken.None);
                await Task.WhenAll(chunk.Select(s => s.Item.PublishAsync(run, s.Index, window.Start, window.End, window.IsLast)));
            }

            rounds++;
        }

        return rounds;
    }
}
