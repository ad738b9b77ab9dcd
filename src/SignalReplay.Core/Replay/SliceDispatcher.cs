using SignalReplay.Core.Generation;
using SignalReplay.Core.Portfolio;

namespace SignalReplay.Core.Replay;

/// <summary>
/// Hands one slice to every portfolio in one canonical order: bars by series ordinal, then regime
/// changes by classifier name, then SIGNAL events by strategy instance id, then the end-of-slice mark.
/// Replay and full mode both go through it, so the order a portfolio sees, and so its bits, cannot differ.
/// </summary>
public sealed class SliceDispatcher(IReadOnlyList<PortfolioEngine> portfolios)
{
    private readonly List<(string Classifier, string? Regime)> _regimes = [];
    private readonly List<SignalEvent> _signals = [];

    public void Regime(string classifier, string? regime) => _regimes.Add((classifier, regime));

    public void Signal(SignalEvent signal) => _signals.Add(signal);

    /// <summary>Dispatches the slice of <paramref name="bars"/> and whatever regimes and signals were collected for it.</summary>
    public void Dispatch(IReadOnlyList<SeriesId> series, IReadOnlyList<SliceBar> bars)
    {
        _regimes.Sort((a, b) => string.CompareOrdinal(a.Classifier, b.Classifier));
        _signals.Sort((a, b) => string.CompareOrdinal(a.StrategyInstance, b.StrategyInstance));
        foreach (var portfolio in portfolios)
        {
            foreach (var bar in bars)
            {
                portfolio.OnBar(series[bar.Series], bar.Bar);
            }

            foreach (var (classifier, regime) in _regimes)
            {
                portfolio.OnRegime(classifier, regime);
            }

            foreach (var signal in _signals)
            {
                portfolio.OnSignal(signal);
            }

            portfolio.EndOfSlice();
        }

        _regimes.Clear();
        _signals.Clear();
    }
}
