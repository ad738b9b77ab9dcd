namespace SignalReplay.Grains.Tests;

/// <summary>A grain with persistent state, to exercise the store-backed grain storage.</summary>
public interface ICounterGrain : IGrainWithStringKey
{
    Task<int> IncrementAsync();

    Task<int> GetAsync();

    Task DeactivateAsync();
}

[GenerateSerializer]
public sealed class CounterState
{
    [Id(0)]
    public int Count { get; set; }
}

public sealed class CounterGrain(
    [PersistentState("counter", SignalReplayOptions.StorageName)] IPersistentState<CounterState> state) : Grain, ICounterGrain
{
    public async Task<int> IncrementAsync()
    {
        state.State.Count++;
        await state.WriteStateAsync();
        return state.State.Count;
    }

    public Task<int> GetAsync() => Task.FromResult(state.State.Count);

    public Task DeactivateAsync()
    {
        DeactivateOnIdle();
        return Task.CompletedTask;
    }
}
