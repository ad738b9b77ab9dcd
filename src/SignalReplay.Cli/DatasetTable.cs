using System.Globalization;
using Spectre.Console;
using SignalReplay.Storage.BaseData;

namespace SignalReplay.Cli;

/// <summary>Prints a base dataset's manifest as a table.</summary>
internal static class DatasetTable
{
    public static void Write(IAnsiConsole console, BaseDatasetManifest manifest, IReadOnlySet<string> highlighted)
    {
        var table = new Table().Title($"data/base/{manifest.Dataset}").AddColumns(
            "series", "timeframe", "bars", "first (UTC)", "last (UTC)", "content hash");
        foreach (var column in table.Columns)
        {
            column.NoWrap();
        }

        table.Columns[2].RightAligned();
        foreach (var (name, entry) in manifest.Series)
        {
            table.AddRow(
                highlighted.Contains(name) ? $"[bold]{Markup.Escape(name)}[/]" : Markup.Escape(name),
                entry.Timeframe,
                entry.Rows.ToString("N0", CultureInfo.InvariantCulture),
                entry.FirstTs.UtcDateTime.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture),
                entry.LastTs.UtcDateTime.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture),
                entry.ContentHash[..12]);
        }

        console.Write(table);
    }
}
