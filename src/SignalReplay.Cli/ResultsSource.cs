using System.CommandLine;
using SignalReplay.Storage.Results;

namespace SignalReplay.Cli;

/// <summary>
/// Where the read commands (runs list/show, results top/export/trades/equity/report) find a run's results: the local
/// store, or a silo host's run API with <c>--api</c>. Both answer the same things, so every read command works on both.
/// </summary>
internal abstract class ResultsSource : IDisposable
{
    /// <summary>The API when <c>--api</c> is given, else the store of <c>--store</c>.</summary>
    public static ResultsSource Open(ParseResult parse) => RunWatch.Client(parse) is { } api
        ? new Remote(api)
        : new Local(LocalStore.Open(parse.GetValue(SignalReplayCommandLine.Store)!));

    public abstract Task<RunSummary?> SummaryAsync(string run, CancellationToken cancellationToken);

    /// <summary>The <paramref name="n"/> best rows of a phase, in rank order; an unknown phase is an <see cref="ArgumentException"/>.</summary>
    public abstract Task<IReadOnlyList<MetricsRow>> TopAsync(string run, string phase, int n, CancellationToken cancellationToken);

    /// <summary>A phase file as Parquet, perhaps cut to <paramref name="portfolio"/>'s rows; null when the phase has none.</summary>
    public abstract Task<Stream?> OpenAsync(string run, string phase, PhaseFile file, string? portfolio, CancellationToken cancellationToken);

    /// <summary>The phase named, or the run's last one when none is.</summary>
    public async Task<string> PhaseAsync(string run, string? phase, CancellationToken cancellationToken) =>
        phase ?? (await SummaryAsync(run, cancellationToken))?.Phases.LastOrDefault()?.Phase
        ?? throw new ArgumentException($"Run '{run}' has no summary; name a phase with --phase.");

    public virtual void Dispose()
    {
    }

    private sealed class Local(LocalStore store) : ResultsSource
    {
        private readonly ResultsReader _reader = new(store.Objects);

        public override Task<RunSummary?> SummaryAsync(string run, CancellationToken cancellationToken) => _reader.ReadSummaryAsync(run, cancellationToken);

        public override async Task<IReadOnlyList<MetricsRow>> TopAsync(string run, string phase, int n, CancellationToken cancellationToken) =>
            [.. (await _reader.ReadMetricsAsync(run, phase, cancellationToken) ?? throw new ArgumentException($"Run '{run}' has no phase '{phase}'.")).Take(n)];

        public override Task<Stream?> OpenAsync(string run, string phase, PhaseFile file, string? portfolio, CancellationToken cancellationToken) =>
            _reader.OpenAsync(run, phase, file, cancellationToken);
    }

    private sealed class Remote(RunApiClient api) : ResultsSource
    {
        public override async Task<RunSummary?> SummaryAsync(string run, CancellationToken cancellationToken) => await api.SummaryAsync(run, cancellationToken);

        public override Task<IReadOnlyList<MetricsRow>> TopAsync(string run, string phase, int n, CancellationToken cancellationToken) => api.TopAsync(run, phase, n, cancellationToken);

        public override Task<Stream?> OpenAsync(string run, string phase, PhaseFile file, string? portfolio, CancellationToken cancellationToken) =>
            api.PhaseFileAsync(run, phase, file, portfolio, cancellationToken);

        public override void Dispose() => api.Dispose();
    }
}
