using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace SignalReplay.Core.Telemetry;

/// <summary>
/// What the product reports about its own work, through .NET's own instruments (an OpenTelemetry SDK or
/// <c>dotnet-counters</c> listens by <see cref="Name"/>; nothing is recorded when nobody does): a span per run and
/// per phase, and counters of portfolios replayed, signal batches delivered, phase durations and run outcomes.
/// </summary>
public static class SignalReplayTelemetry
{
    /// <summary>The name of the activity source and of the meter.</summary>
    public const string Name = "SignalReplay";

    public static readonly ActivitySource Source = new(Name);

    public static readonly Meter Meter = new(Name);

    /// <summary>Portfolios replayed, by phase kind (a grid of a million adds a million).</summary>
    public static readonly Counter<long> PortfoliosReplayed =
        Meter.CreateCounter<long>("signalreplay.portfolios.replayed", "{portfolio}", "Portfolios replayed, by phase kind.");

    /// <summary>Signal batches delivered to portfolio shards over streams, each counted once per subscriber (SPEC 6).</summary>
    public static readonly Counter<long> SignalBatchesDelivered =
        Meter.CreateCounter<long>("signalreplay.signal_batches.delivered", "{batch}", "Signal batches delivered to portfolio shards (one per subscriber).");

    /// <summary>How long each phase took, by phase kind.</summary>
    public static readonly Histogram<double> PhaseDuration =
        Meter.CreateHistogram<double>("signalreplay.phase.duration", "s", "How long a phase took, by phase kind.");

    /// <summary>Runs finished, by outcome (completed, failed, interrupted).</summary>
    public static readonly Counter<long> RunsFinished =
        Meter.CreateCounter<long>("signalreplay.runs.finished", "{run}", "Runs finished, by outcome.");

    /// <summary>The tag every instrument of a phase carries.</summary>
    public const string PhaseKindTag = "signalreplay.phase.kind";

    /// <summary>The tag of a run's outcome.</summary>
    public const string OutcomeTag = "signalreplay.run.outcome";
}
