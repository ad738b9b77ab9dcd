namespace SignalReplay.Cli.Tests;

public sealed class GenerateCommandTests : IDisposable
{
    private readonly CommandLineRun _run = new();

    public void Dispose() => _run.Dispose();

    [Fact]
    public async Task Generating_twice_computes_once_and_says_so()
    {
        await _run.RunAsync("demo", "--days", "10");
        string[] generate = ["generate", "--dataset", "synthetic-s42-10d", "--strategy", "momentum@SYNA_1m:fast=5|10,slow=30", "--classifier", "trend@SYNA_1m:fast=10,slow=30"];

        var (firstExit, first) = await _run.RunAsync(generate);
        var (secondExit, second) = await _run.RunAsync(generate);

        Assert.True(firstExit == 0, first);
        Assert.Contains("Generated signal set ss-", first);
        Assert.Contains("momentum(fast=5,slow=30,long_only=0)@SYNA_1m", first);
        Assert.Contains("momentum(fast=10,slow=30,long_only=0)@SYNA_1m", first);
        Assert.Equal(0, secondExit);
        Assert.Contains("Cache hit", second);
        Assert.Contains("nothing was computed or written", second);
    }

    [Theory]
    [InlineData("momentum", "is not a decider spec")]
    [InlineData("momentum@SPY_1m:fast", "'fast' is not key=value")]
    [InlineData("momentum@SPY_1m:fast=ten", "value 'ten' of 'fast' is not a number")]
    [InlineData("momentum2@SPY_1m", "Unknown strategy 'momentum2'")]
    [InlineData("momentum@SPY_1m:fats=3", "unknown parameter(s) 'fats'")]
    public async Task A_bad_strategy_spec_is_refused_naming_the_problem(string spec, string message)
    {
        var (exitCode, output) = await _run.RunAsync("generate", "--dataset", "none", "--strategy", spec);

        Assert.Equal(1, exitCode);
        Assert.Contains(message, output.ReplaceLineEndings(""));
    }

    [Fact]
    public async Task A_missing_dataset_is_refused()
    {
        var (exitCode, output) = await _run.RunAsync("generate", "--dataset", "nowhere", "--strategy", "momentum@SPY_1m");

        Assert.Equal(1, exitCode);
        Assert.Contains("There is no base dataset 'nowhere'", output.ReplaceLineEndings(""));
    }
}
