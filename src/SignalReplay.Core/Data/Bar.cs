namespace SignalReplay.Core.Data;

/// <summary>One OHLCV bar; <see cref="Time"/> is its start in Unix milliseconds, UTC.</summary>
public readonly record struct Bar(long Time, double Open, double High, double Low, double Close, double Volume);
