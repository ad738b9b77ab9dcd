namespace SignalReplay.Core.Generation;

/// <summary>
/// Merges bars that arrive per series, in batches and in any interleaving, into one stream of
/// slices in end-time order (SPEC 4: a bar is visible only at its end). A slice at time T is released
/// only once every series is known to have no other bar ending at or before T: its next bar is
/// buffered, it has said it is complete, or its watermark has passed T. The buffer is bounded:
/// holding more than <c>maxBufferSize</c> bars is an error naming the series it waits for, never a drop.
/// </summary>
public sealed class TimeAlignmentBuffer
{
    private readonly IReadOnlyList<SeriesId> _series;
    private readonly Queue<Bar>[] _pending;
    private readonly long[] _watermark;
    private readonly bool[] _complete;
    private readonly int[] _delivered;
    private readonly long[] _lastStart;
    private readonly int _maxBufferSize;
    private readonly List<SliceBar> _slice = [];
    private int _buffered;

    public TimeAlignmentBuffer(IReadOnlyList<SeriesId> series, int maxBufferSize)
    {
        if (maxBufferSize < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(maxBufferSize), maxBufferSize, "max_buffer_size must be at least 1.");
        }

        _series = series;
        _maxBufferSize = maxBufferSize;
        _pending = [.. series.Select(_ => new Queue<Bar>())];
        _watermark = [.. series.Select(_ => long.MinValue)];
        _complete = new bool[series.Count];
        _delivered = new int[series.Count];
        _lastStart = [.. series.Select(_ => long.MinValue)];
    }

    public IReadOnlyList<SeriesId> Series => _series;

    /// <summary>Bars held now, over all series.</summary>
    public int Buffered => _buffered;

    public bool IsDrained => _buffered == 0 && _complete.All(done => done);

    /// <summary>
    /// Every slice ending at or before this time has been released by <see cref="TryNext"/>, or never will
    /// be: a series' next bar is held (later slices end at or after its end), has been promised past
    /// its watermark, or will never come (complete). <see cref="long.MaxValue"/> once drained.
    /// </summary>
    public long ReleasedThrough
    {
        get
        {
            var through = long.MaxValue;
            for (var s = 0; s < _series.Count; s++)
            {
                if (_pending[s].TryPeek(out var next))
                {
                    through = Math.Min(through, _series[s].Timeframe.BarEnd(next.Time) - 1);
                }
                else if (!_complete[s])
                {
                    through = Math.Min(through, _watermark[s]);
                }
            }

            return through;
        }
    }

    /// <summary>
    /// Adds the next bars of series <paramref name="ordinal"/>, in start order. <paramref name="through"/>
    /// promises that no later bar of the series ends at or before it (null: the end of the last bar given);
    /// <paramref name="complete"/> says the series has no more bars.
    /// </summary>
    public void Add(int ordinal, ReadOnlySpan<Bar> bars, long? through = null, bool complete = false)
    {
        if (_complete[ordinal])
        {
            throw new InvalidOperationException($"Series {_series[ordinal]} was already complete; it cannot send more bars.");
        }

        if (_buffered + bars.Length > _maxBufferSize)
        {
            var waitingFor = Enumerable.Range(0, _series.Count).Where(s => _pending[s].Count == 0 && !_complete[s]).Select(s => _series[s].ToString());
            throw new AlignmentBufferOverflowException(
                $"TimeAlignmentBuffer overflow: {_buffered + bars.Length} bars would be held, over max_buffer_size {_maxBufferSize}; "
                + $"{_series[ordinal]} is ahead while it waits for {string.Join(", ", waitingFor)}. Send series in smaller batches or raise max_buffer_size.");
        }

        var timeframe = _series[ordinal].Timeframe;
        foreach (var bar in bars)
        {
            if (bar.Time <= _lastStart[ordinal])
            {
                throw new ArgumentException(
                    $"Series {_series[ordinal]}: bar starting {BarRules.Format(bar.Time)} is not after the previous one ({BarRules.Format(_lastStart[ordinal])}).");
            }

            _lastStart[ordinal] = bar.Time;
            _pending[ordinal].Enqueue(bar);
            _watermark[ordinal] = Math.Max(_watermark[ordinal], timeframe.BarEnd(bar.Time));
        }

        _buffered += bars.Length;
        if (through is { } promised)
        {
            _watermark[ordinal] = Math.Max(_watermark[ordinal], promised);
        }

        _complete[ordinal] |= complete;
    }

    /// <summary>
    /// The next slice, if it can be released: its end time and the bars (series ordinal, bar, bar_idx)
    /// that ended then. The list is reused by the next call.
    /// </summary>
    public bool TryNext(out long endTime, out IReadOnlyList<SliceBar> bars)
    {
        endTime = long.MaxValue;
        for (var s = 0; s < _series.Count; s++)
        {
            if (_pending[s].TryPeek(out var next))
            {
                endTime = Math.Min(endTime, _series[s].Timeframe.BarEnd(next.Time));
            }
        }

        bars = _slice;
        if (endTime == long.MaxValue || !AllKnownThrough(endTime))
        {
            return false;
        }

        _slice.Clear();
        for (var s = 0; s < _series.Count; s++)
        {
            if (_pending[s].TryPeek(out var next) && _series[s].Timeframe.BarEnd(next.Time) == endTime)
            {
                _slice.Add(new SliceBar(s, _pending[s].Dequeue(), _delivered[s]++));
                _buffered--;
            }
        }

        return true;
    }

    private bool AllKnownThrough(long endTime)
    {
        for (var s = 0; s < _series.Count; s++)
        {
            if (_pending[s].Count == 0 && !_complete[s] && _watermark[s] < endTime)
            {
                return false;
            }
        }

        return true;
    }
}

/// <summary>One bar of a slice: which series, the bar, and its row number in its series.</summary>
public readonly record struct SliceBar(int Series, Bar Bar, int BarIdx);

/// <summary>The alignment buffer would have to hold more bars than it may.</summary>
public sealed class AlignmentBufferOverflowException(string message) : Exception(message);
