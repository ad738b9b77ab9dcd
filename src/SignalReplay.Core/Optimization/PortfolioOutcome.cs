using SignalReplay.Core.Portfolio;

namespace SignalReplay.Core.Optimization;

/// <summary>
/// One portfolio evaluated in a phase: its configuration, the candidate it stands for (its id without a
/// walk-forward window suffix), what it produced, and its objective score (larger is better).
/// </summary>
public sealed record PortfolioOutcome(PortfolioConfig Config, string Candidate, PortfolioResult Result, double Score);
