using SignalReplay.Abstractions;
using SignalReplay.Core.Generation;
using SignalReplay.Core.Portfolio;
using SignalReplay.Grains.Generation;
using SignalReplay.Grains.Replay;
using SignalReplay.Storage.Objects;

namespace SignalReplay.Grains.Full;

/// <summary>
/// The full topology (SPEC 3): generate and trade in one pass, storing nothing. The run's portfolios are cut
/// into shards as a replay cuts them, all started at once (generation is one pass over the bars); series
/// grains publish bars to the run's feature grain, which publishes what each batch released on streams
/// shared by every shard that reads a feed. It exists so that replay can be proved equal to it. The grain's
/// key is the run id.
/// </summary>
public sealed class FullGrain(IObjectStore store, SignalReplayOptions options) : PublishingGrain(options), IFullGrain
{
    public async Task<ReplayOutcome> RunAsync(FullRun run)
    {
        var generation = run.Generation with { Request = run.Generation.Request.Canonical() };
        var request = generation.Request;
        var plan = await GenerationGrain.PlanAsync(store, request);
        var classifierSeries = request.ClassifierSeries;
        Validate(request, run.Portfolios);
        Objective.Parse(run.Objective);

        var key = this.GetPrimaryKeyString();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var feature = GrainFactory.GetGrain<IFeatureGrain>(key);
        var ranges = ReplayGrain.ShardRanges(run.Portfolios.Length, ReplayGrain.ShardSizeFor(run.Portfolios.Length, run.ShardSize, Options));
        var strategies = new Dictionary<string, int>(StringComparer.Ordinal);
        var classifiers = new Dictionary<string, int>(StringComparer.Ordinal);
        var shards = new List<IShardGrain>();
        for (var shard = 0; shard < ranges.Count; shard++)
        {
            var configs = run.Portfolios[ranges[shard].From..ranges[shard].To];
            var grain = GrainFactory.GetGrain<IShardGrain>($"{key}/s{shard}");
            await grain.StartAsync(new ShardStart(
                request.Dataset, new Dictionary<string, SeriesId>(classifierSeries), null, 0, 0, configs, run.Objective, run.KeepDetail, key, feature, SharedFeeds: true));
            shards.Add(grain);
            Count(strategies, configs.SelectMany(c => c.Assignments).Select(a => a.StrategyInstance));
            Count(classifiers, configs.Select(c => c.RegimeFilter?.Classifier).OfType<string>());
        }

        await feature.StartFullAsync(generation, this.AsReference<IFullGrain>(), new FullFeeds(strategies, classifiers));
        await GenerationGrain.PublishSeriesAsync(GrainFactory, key, generation, plan, Credits);
        var generated = await feature.CompleteAsync();

        await using var collector = new RunCollector(run.Portfolios, null, int.MaxValue, store, output: null);
        foreach (var shard in shards)
        {
            await collector.AddAsync(await shard.CompleteAsync());
        }

        return await collector.FinishAsync(shards.Count, generated.SignalBatchesPublished, clock.Elapsed);
    }

    /// <summary>One subscriber more for each distinct name in <paramref name="names"/>.</summary>
    private static void Count(Dictionary<string, int> subscribers, IEnumerable<string> names)
    {
        foreach (var name in names.Distinct())
        {
            subscribers[name] = subscribers.GetValueOrDefault(name) + 1;
        }
    }

    /// <summary>Refuses a portfolio naming a strategy or classifier the generation does not run.</summary>
    private static void Validate(GenerationRequest request, IReadOnlyList<PortfolioConfig> portfolios)
    {
        var strategies = request.Strategies.ToDictionary(s => s.InstanceId, s => s.Primary, StringComparer.Ordinal);
        foreach (var portfolio in portfolios)
        {
            foreach (var assignment in portfolio.Assignments)
            {
                if (!strategies.TryGetValue(assignment.StrategyInstance, out var primary) || primary != assignment.Series)
                {
                    throw new ArgumentException(
                        $"Portfolio '{portfolio.Id}' trades strategy '{assignment.StrategyInstance}' on {assignment.Series}, which the run's generation does not produce; it produces {Core.Replay.Backtest.Listing(strategies.Keys)}.");
                }
            }

            if (portfolio.RegimeFilter is { } filter && request.Classifiers.All(c => c.Key != filter.Classifier))
            {
                throw new ArgumentException(
                    $"Portfolio '{portfolio.Id}' filters on classifier '{filter.Classifier}', which the run's generation does not produce; it produces {Core.Replay.Backtest.Listing(request.Classifiers.Select(c => c.Key))}.");
            }
        }
    }
}
