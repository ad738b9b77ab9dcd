namespace SignalReplay.Core.Data;

/// <summary>One symbol at one timeframe, written <c>SPY_1m</c>.</summary>
public readonly record struct SeriesId(string Symbol, Timeframe Timeframe)
{
    /// <summary>Parses <c>SYMBOL_TIMEFRAME</c>; the symbol may hold letters, digits, '.' and '-'.</summary>
    public static SeriesId Parse(string text)
    {
        var separator = text.LastIndexOf('_');
        if (separator <= 0 || separator == text.Length - 1)
        {
            throw new FormatException($"'{text}' is not a series name: expected SYMBOL_TIMEFRAME, such as SPY_1m.");
        }

        var symbol = text[..separator];
        if (!IsValidSymbol(symbol))
        {
            throw new FormatException(
                $"'{text}' is not a series name: the symbol '{symbol}' may hold only letters, digits, '.' and '-'.");
        }

        if (!Timeframe.TryParse(text[(separator + 1)..], out var timeframe))
        {
            throw new FormatException(
                $"'{text}' is not a series name: '{text[(separator + 1)..]}' is not a timeframe such as 1m, 5m, 1h, 1d or 1M.");
        }

        return new SeriesId(symbol, timeframe);
    }

    public static bool IsValidSymbol(string symbol) =>
        symbol.Length is > 0 and <= 32
        && symbol[0] != '.'
        && symbol.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '-');

    public override string ToString() => $"{Symbol}_{Timeframe}";
}
