using SignalReplay.Core.Features;
using SignalReplay.Core.Indices;

namespace SignalReplay.Core.Generation;

/// <summary>
/// The feature container: takes slices from a <see cref="TimeAlignmentBuffer"/>, updates each
/// feature once per bar of its series, asks classifiers and strategies for their decisions at
/// each bar of their primary series (once all their series have a bar), and keeps only changes.
/// The same object runs in-process and inside the feature grain, so both give the same bits.
/// </summary>
public sealed class SignalGenerator
{
    private readonly IReadOnlyList<SeriesId> _series;
    private readonly Dictionary<SeriesId, int> _ordinal;
    private readonly List<Computation> _computations = [];
    private readonly List<Computation>[] _bySeries;
    private readonly Slot[] _strategies;
    private readonly Slot[] _classifiers;
    private readonly SignalIndexBuilder[] _signalBuilders;
    private readonly ClassifierChangeIndexBuilder[] _classifierBuilders;
    private readonly Dictionary<string, int> _classifierByName;
    private readonly string[] _classifierNames;
    private readonly AlignmentCapture[] _alignments;
    private readonly Bar[] _latest;
    private readonly int[] _latestIdx;
    private readonly int[] _counts;
    private readonly bool[] _barNow;
    private readonly DecisionContext _context = new();
    private readonly Action<SignalEvent>? _onSignal;
    private readonly Action<string, string?>? _onRegime;
    private int[]? _signalsTaken;
    private int[]? _changesTaken;

    /// <param name="series">Every series the run reads, in ordinal order.</param>
    /// <param name="strategies">The strategy instances, each captured into its own signal index.</param>
    /// <param name="classifiers">Classifiers by the name regimes are looked up with (e.g. <c>trend</c>).</param>
    /// <param name="onSignal">Receives every SIGNAL event as it is captured (full mode hands them to portfolios).</param>
    /// <param name="onRegime">Receives every classifier change as (classifier name, new regime).</param>
    public SignalGenerator(
        IReadOnlyList<SeriesId> series,
        IReadOnlyList<Strategy> strategies,
        IReadOnlyList<KeyValuePair<string, Classifier>> classifiers,
        Action<SignalEvent>? onSignal = null,
        Action<string, string?>? onRegime = null)
    {
        _onSignal = onSignal;
        _onRegime = onRegime;
        _series = series;
        _ordinal = series.Select((id, i) => (id, i)).ToDictionary(x => x.id, x => x.i);
        _bySeries = [.. series.Select(_ => new List<Computation>())];
        var byKey = new Dictionary<string, Computation>();

        var duplicate = strategies.GroupBy(s => s.InstanceId).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw new ArgumentException($"Strategy instance {duplicate.Key} is given more than once.");
        }

        _classifierByName = [];
        _classifierNames = [.. classifiers.Select(c => c.Key)];
        foreach (var (name, _) in classifiers)
        {
            if (!_classifierByName.TryAdd(name, _classifierByName.Count))
            {
                throw new ArgumentException($"Classifier name '{name}' is given more than once.");
            }
        }

        _strategies = [.. strategies.Select(s => Bind(s, byKey))];
        _classifiers = [.. classifiers.Select(c => Bind(c.Value, byKey))];
        _signalBuilders = [.. strategies.Select(s => new SignalIndexBuilder(s.InstanceId, s.Primary, [.. s.Series.Where(x => x != s.Primary)]))];
        _classifierBuilders = [.. classifiers.Select(c => new ClassifierChangeIndexBuilder(c.Key))];
        _alignments = [.. strategies.Where(s => s.Series.Count > 1)
            .SelectMany(s => s.Series.Where(x => x != s.Primary).Select(other => (Primary: s.Primary, Other: other)))
            .Distinct()
            .GroupBy(pair => pair.Primary)
            .Select(group => new AlignmentCapture(group.Key, [.. group.Select(pair => pair.Other).OrderBy(s => s.ToString(), StringComparer.Ordinal)], _ordinal))];
        _latest = new Bar[series.Count];
        _latestIdx = [.. series.Select(_ => -1)];
        _counts = new int[series.Count];
        _barNow = new bool[series.Count];
        _context.RegimeLookup = name => _classifierByName.TryGetValue(name, out var i) ? _classifierBuilders[i].Current : null;
    }

    /// <summary>
    /// Processes one slice: the bars that ended at <paramref name="endTime"/>, from the buffer. Every bar of
    /// the slice is visible before any feature updates, and every feature updates before any classifier or
    /// strategy runs (SPEC 4), so the order in which series are listed never changes a signal.
    /// </summary>
    public void OnSlice(long endTime, IReadOnlyList<SliceBar> bars)
    {
        Array.Clear(_barNow);
        foreach (var slice in bars)
        {
            _latest[slice.Series] = slice.Bar;
            _latestIdx[slice.Series] = slice.BarIdx;
            _counts[slice.Series]++;
            _barNow[slice.Series] = true;
        }

        foreach (var slice in bars)
        {
            foreach (var computation in _bySeries[slice.Series])
            {
                computation.Update(slice.Bar, _latest, _latestIdx);
            }
        }

        for (var c = 0; c < _classifiers.Length; c++)
        {
            var slot = _classifiers[c];
            if (Ready(slot, endTime))
            {
                var builder = _classifierBuilders[c];
                if (builder.Record(_latestIdx[slot.PrimarySeries], ((Classifier)slot.Decider).Classify(_context)))
                {
                    _onRegime?.Invoke(_classifierNames[c], builder.Current);
                }
            }
        }

        Span<int> references = stackalloc int[8];
        for (var s = 0; s < _strategies.Length; s++)
        {
            var slot = _strategies[s];
            if (!Ready(slot, endTime))
            {
                continue;
            }

            var builder = _signalBuilders[s];
            _context.CurrentTarget = builder.Current;
            var target = ((Strategy)slot.Decider).Decide(_context);
            if (!double.IsFinite(target) || Math.Abs(target) > 1)
            {
                throw new InvalidOperationException($"Strategy {slot.Decider.InstanceId} returned target {target} at {BarRules.Format(endTime)}; targets lie in [-1, 1].");
            }

            var refs = slot.SeriesOrdinals.Length - 1 <= references.Length ? references[..(slot.SeriesOrdinals.Length - 1)] : new int[slot.SeriesOrdinals.Length - 1];
            var r = 0;
            foreach (var ordinal in slot.SeriesOrdinals)
            {
                if (ordinal != slot.PrimarySeries)
                {
                    refs[r++] = _latestIdx[ordinal];
                }
            }

            var previous = builder.Current;
            if (builder.Record(_latestIdx[slot.PrimarySeries], target, refs) && _onSignal is not null)
            {
                _onSignal(new SignalEvent(
                    slot.Decider.InstanceId, slot.Decider.Primary, _latestIdx[slot.PrimarySeries], endTime, _latest[slot.PrimarySeries], previous, builder.Current));
            }
        }

        foreach (var alignment in _alignments)
        {
            if (_barNow[alignment.PrimaryOrdinal])
            {
                alignment.Record(_latestIdx);
            }
        }
    }

    /// <summary>Drains <paramref name="buffer"/> of every slice it can release now; returns how many.</summary>
    public int Drain(TimeAlignmentBuffer buffer)
    {
        var slices = 0;
        while (buffer.TryNext(out var endTime, out var bars))
        {
            OnSlice(endTime, bars);
            slices++;
        }

        return slices;
    }

    /// <summary>
    /// The signal rows and classifier changes captured since the previous call, per strategy instance and
    /// per classifier (those with none left out): full mode on grains publishes them as it generates.
    /// </summary>
    public CapturedRows TakeCaptured()
    {
        _signalsTaken ??= new int[_signalBuilders.Length];
        _changesTaken ??= new int[_classifierBuilders.Length];
        var signals = new List<(string, int[], double[])>();
        for (var s = 0; s < _signalBuilders.Length; s++)
        {
            if (_signalBuilders[s].Count > _signalsTaken[s])
            {
                var (barIdx, value) = _signalBuilders[s].RowsFrom(_signalsTaken[s]);
                signals.Add((_strategies[s].Decider.InstanceId, barIdx, value));
                _signalsTaken[s] = _signalBuilders[s].Count;
            }
        }

        var changes = new List<(string, int[], string[])>();
        for (var c = 0; c < _classifierBuilders.Length; c++)
        {
            if (_classifierBuilders[c].Count > _changesTaken[c])
            {
                var (barIdx, regime) = _classifierBuilders[c].RowsFrom(_changesTaken[c]);
                changes.Add((_classifierNames[c], barIdx, regime));
                _changesTaken[c] = _classifierBuilders[c].Count;
            }
        }

        return new CapturedRows(signals, changes);
    }

    /// <summary>The captured signal set; the generator should see no more slices after this.</summary>
    public SignalSet Build() => new(
        [.. _signalBuilders.Select(b => b.Build()).OrderBy(index => index.StrategyInstance, StringComparer.Ordinal)],
        [.. _classifierBuilders.Select(b => b.Build()).OrderBy(index => index.Classifier, StringComparer.Ordinal)],
        [.. _alignments.Select(a => a.Build()).OrderBy(a => a.Primary.ToString(), StringComparer.Ordinal)],
        _series.Select((id, i) => (id, i)).ToDictionary(x => x.id, x => _counts[x.i]),
        _classifierByName.ToDictionary(pair => pair.Key, pair => _classifiers[pair.Value].Decider.Primary));

    /// <summary>True when the decider's primary series has a bar now and every series it reads has had one; fills the context.</summary>
    private bool Ready(Slot slot, long endTime)
    {
        if (!_barNow[slot.PrimarySeries])
        {
            return false;
        }

        foreach (var ordinal in slot.SeriesOrdinals)
        {
            if (_latestIdx[ordinal] < 0)
            {
                return false;
            }
        }

        for (var i = 0; i < slot.Outputs.Length; i++)
        {
            var (computation, output) = slot.Outputs[i];
            _context.Current[i] = computation.Now[output];
            _context.Previous[i] = computation.Before[output];
        }

        for (var i = 0; i < slot.SeriesOrdinals.Length; i++)
        {
            var ordinal = slot.SeriesOrdinals[i];
            _context.Bars[i] = _latest[ordinal];
            // Stale: this series' latest bar ended before the start of its bucket that holds the slice time.
            _context.StaleFlags[i] = _series[ordinal].Timeframe.BarEnd(_latest[ordinal].Time) < _series[ordinal].Timeframe.BucketStart(endTime);
        }

        return true;
    }

    private Slot Bind(Decider decider, Dictionary<string, Computation> byKey)
    {
        var ordinals = decider.Series.Select(id => _ordinal.TryGetValue(id, out var o)
            ? o
            : throw new ArgumentException($"{decider.InstanceId} reads series {id}, which the run does not have; it has {string.Join(", ", _series)}.")).ToArray();
        var outputs = decider.Features.Select(request =>
        {
            FeatureCatalog.Validate(request);
            if (!byKey.TryGetValue(request.ComputationKey, out var computation))
            {
                computation = Computation.Create(request, _ordinal);
                byKey[request.ComputationKey] = computation;
                _computations.Add(computation);
                _bySeries[_ordinal[request.Series]].Add(computation);
            }

            return (computation, computation.OutputIndex(request.Output));
        }).ToArray();

        // Each slot reads into the shared context, sized for the largest decider.
        var width = Math.Max(outputs.Length, ordinals.Length);
        if (_context.Current.Length < width)
        {
            _context.Current = new double[width];
            _context.Previous = new double[width];
            _context.Bars = new Bar[width];
            _context.StaleFlags = new bool[width];
        }

        return new Slot(decider, _ordinal[decider.Primary], ordinals, outputs);
    }

    private sealed record Slot(Decider Decider, int PrimarySeries, int[] SeriesOrdinals, (Computation Computation, int Output)[] Outputs);

    /// <summary>One shared feature computation with its outputs now and after the previous bar of its series.</summary>
    private sealed class Computation
    {
        private readonly IBarFeature? _feature;
        private readonly IPairedFeature? _correlation;
        private readonly int _other;
        private readonly string[] _outputs;
        private readonly double[] _now;
        private readonly double[] _before;

        private Computation(IBarFeature? feature, IPairedFeature? correlation, int other, string[] outputs)
        {
            (_feature, _correlation, _other, _outputs) = (feature, correlation, other, outputs);
            _now = [.. outputs.Select(_ => double.NaN)];
            _before = [.. outputs.Select(_ => double.NaN)];
        }

        public static Computation Create(FeatureRequest request, IReadOnlyDictionary<SeriesId, int> ordinal)
        {
            string[] outputs = [.. FeatureCatalog.Outputs(request)];
            if (request.Other is { } other)
            {
                if (!ordinal.TryGetValue(other, out var otherOrdinal))
                {
                    throw new ArgumentException($"Feature {request.Key} reads series {other}, which the run does not have.");
                }

                return new Computation(null, FeatureCatalog.CreatePairedFeature(request), otherOrdinal, outputs);
            }

            return new Computation(FeatureCatalog.CreateBarFeature(request), null, -1, outputs);
        }

        public void Update(in Bar bar, Bar[] latest, int[] latestIdx)
        {
            Array.Copy(_now, _before, _now.Length);
            if (_feature is not null)
            {
                _feature.Update(bar);
                for (var i = 0; i < _outputs.Length; i++)
                {
                    _now[i] = i == 0 ? _feature.Value : _feature.Output(_outputs[i]);
                }

                return;
            }

            // A paired feature (correlation) moves with its own series' bars, pairing each with the other series' latest close.
            if (latestIdx[_other] >= 0)
            {
                _correlation!.Update(bar.Close, latest[_other].Close);
                _now[0] = _correlation.Value;
            }
        }

        public double[] Now => _now;

        public double[] Before => _before;

        public int OutputIndex(string output) => Array.IndexOf(_outputs, output);
    }

    /// <summary>Captures an alignment index as slices arrive: per other series, the primary bars where its latest bar changes.</summary>
    private sealed class AlignmentCapture(SeriesId primary, SeriesId[] others, IReadOnlyDictionary<SeriesId, int> ordinal)
    {
        private readonly List<int>[] _at = [.. others.Select(_ => new List<int>())];
        private readonly List<int>[] _bars = [.. others.Select(_ => new List<int>())];
        private readonly int[] _otherOrdinals = [.. others.Select(o => ordinal[o])];

        public SeriesId Primary => primary;

        public int PrimaryOrdinal { get; } = ordinal[primary];

        public void Record(int[] latestIdx)
        {
            var primaryBarIdx = latestIdx[PrimaryOrdinal];
            for (var i = 0; i < _otherOrdinals.Length; i++)
            {
                var bar = latestIdx[_otherOrdinals[i]];
                if (bar >= 0 && (_bars[i].Count == 0 || _bars[i][^1] != bar))
                {
                    _at[i].Add(primaryBarIdx);
                    _bars[i].Add(bar);
                }
            }
        }

        public AlignmentIndex Build() => new(primary, others, [.. _at.Select(a => a.ToArray())], [.. _bars.Select(b => b.ToArray())]);
    }
}

/// <summary>Rows captured by a <see cref="SignalGenerator"/> over some slices: signals per strategy instance, changes per classifier.</summary>
public sealed record CapturedRows(
    IReadOnlyList<(string Strategy, int[] BarIdx, double[] Value)> Signals,
    IReadOnlyList<(string Classifier, int[] BarIdx, string[] NewRegime)> Changes);
