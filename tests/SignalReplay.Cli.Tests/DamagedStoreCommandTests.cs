using System.Text.RegularExpressions;
using SignalReplay.Storage.BaseData;
using SignalReplay.Storage.Objects;

namespace SignalReplay.Cli.Tests;

/// <summary>
/// <c>replay</c> and <c>generate</c> over a damaged store, as a user meets it: one red line naming the
/// damaged file and exit code 1, never a stack trace; <c>generate</c> rewrites a damaged signal set.
/// (Every index kind at 48 damage points is covered in-process by the Storage CorruptionTests.)
/// </summary>
public sealed class DamagedStoreCommandTests : IDisposable
{
    private const string Dataset = "synthetic-s42-10d";
    private readonly CommandLineRun _run = new();

    public void Dispose() => _run.Dispose();

    private string[] Generate(int lookback = 10) =>
    [
        "generate", "--dataset", Dataset,
        "--strategy", "momentum@SYNA_1m:fast=5,slow=30",
        "--strategy", $"correlation_momentum@SYNA_1m+SYNB_1m:lookback={lookback}",
        "--classifier", "trend@SYNA_1m:fast=10,slow=30",
    ];

    private string Path(params string[] parts) => System.IO.Path.Combine([_run.StoreRoot, .. parts]);

    private async Task<string> GenerateAsync()
    {
        await _run.RunAsync("demo", "--days", "10");
        var (exit, output) = await _run.RunAsync(Generate());
        Assert.True(exit == 0, output);
        return Regex.Match(output, "ss-[0-9a-f]{24}").Value;
    }

    private static void AssertOneRedLine(int exit, string output, string file)
    {
        Assert.Equal(1, exit);
        var flat = output.ReplaceLineEndings("");
        Assert.Contains($"error: {file}: ", flat);
        Assert.DoesNotContain("   at ", output);
        Assert.DoesNotContain("Exception", output);
    }

    [Fact]
    public async Task A_damaged_signal_file_fails_replay_by_name_and_generate_repairs_it()
    {
        var set = await GenerateAsync();
        var file = Path("data", "indices", set, "signals.parquet");
        var bytes = await File.ReadAllBytesAsync(file, TestContext.Current.CancellationToken);
        var damaged = (byte[])bytes.Clone();
        damaged[bytes.Length / 2] ^= 0xFF;
        await File.WriteAllBytesAsync(file, damaged, TestContext.Current.CancellationToken);

        var (replayExit, replay) = await _run.RunAsync("replay", "--signal-set", set);
        var (generateExit, generate) = await _run.RunAsync(Generate());
        var (againExit, again) = await _run.RunAsync("replay", "--signal-set", set);

        AssertOneRedLine(replayExit, replay, $"data/indices/{set}/signals.parquet");
        Assert.True(generateExit == 0, generate);
        Assert.Contains($"Repaired: the stored set was damaged (data/indices/{set}/signals.parquet: does not match its manifest", generate.ReplaceLineEndings(""));
        Assert.Equal(bytes, await File.ReadAllBytesAsync(file, TestContext.Current.CancellationToken));
        Assert.True(againExit == 0, again);
    }

    [Fact]
    public async Task A_truncated_classifier_file_fails_replay_by_name()
    {
        var set = await GenerateAsync();
        var file = Path("data", "indices", set, "classifier_changes.parquet");
        var bytes = await File.ReadAllBytesAsync(file, TestContext.Current.CancellationToken);
        await File.WriteAllBytesAsync(file, bytes[..(bytes.Length / 2)], TestContext.Current.CancellationToken);

        var (exit, output) = await _run.RunAsync("replay", "--signal-set", set, "--regime", "trend=NEUTRAL");

        AssertOneRedLine(exit, output, $"data/indices/{set}/classifier_changes.parquet");
    }

    [Fact]
    public async Task A_damaged_base_file_fails_replay_and_generate_by_name()
    {
        var set = await GenerateAsync();
        var key = await new BaseDatasetStore(new LocalFolderStore(Path())).SeriesKeyAsync(Dataset, SeriesId.Parse("SYNA_1m"), TestContext.Current.CancellationToken);
        var file = Path(key.Split('/'));
        var bytes = await File.ReadAllBytesAsync(file, TestContext.Current.CancellationToken);
        bytes[^12] ^= 0xFF;
        await File.WriteAllBytesAsync(file, bytes, TestContext.Current.CancellationToken);

        var (replayExit, replay) = await _run.RunAsync("replay", "--signal-set", set);
        var (generateExit, generate) = await _run.RunAsync(Generate(lookback: 12)); // another set: it has to read the bars

        AssertOneRedLine(replayExit, replay, key);
        AssertOneRedLine(generateExit, generate, key);
    }
}
