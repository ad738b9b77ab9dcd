namespace SignalReplay.Cli.Tests;

public sealed class BacktestAndReplayCommandTests : IDisposable
{
    private readonly CommandLineRun _run = new();

    public void Dispose() => _run.Dispose();

    [Fact]
    public async Task Replay_of_a_generated_set_and_backtest_of_the_same_config_print_the_same_metrics()
    {
        await _run.RunAsync("demo", "--days", "10");
        var (_, generated) = await _run.RunAsync("generate", "--dataset", "synthetic-s42-10d", "--strategy", "momentum@SYNA_1m:fast=5,slow=30");
        var set = System.Text.RegularExpressions.Regex.Match(generated, "ss-[0-9a-f]+").Value;

        var (replayExit, replay) = await _run.RunAsync("replay", "--signal-set", set, "--fraction", "0.5|1");
        var (backtestExit, backtest) = await _run.RunAsync("backtest", "--dataset", "synthetic-s42-10d", "--strategy", "momentum@SYNA_1m:fast=5,slow=30", "--fraction", "0.5|1");

        Assert.True(replayExit == 0, replay);
        Assert.True(backtestExit == 0, backtest);
        Assert.Contains("momentum(fast=5,slow=30,long_only=0)@SYNA_1m|ff=0.5", replay);
        // Each shard has its own stream of the strategy: every published batch is delivered once, to the shard that trades it.
        var counts = System.Text.RegularExpressions.Regex.Match(replay, @"(\d+) signal batches delivered for (\d+) published");
        Assert.True(counts.Success, replay);
        Assert.Equal(counts.Groups[2].Value, counts.Groups[1].Value);
        string Rows(string output) => string.Join('\n', output.Split('\n').Where(line => line.Contains("|ff=", StringComparison.Ordinal)));
        Assert.Equal(Rows(backtest), Rows(replay));
    }

    [Theory]
    [InlineData("--fraction", "zero", "--fraction 'zero' is not a positive number")]
    [InlineData("--fill", "tomorrow", "--fill 'tomorrow' is not next_open or signal_close")]
    [InlineData("--regime", "trend", "--regime 'trend' is not classifier=REGIME|REGIME")]
    public async Task Bad_portfolio_flags_are_refused_naming_the_flag(string flag, string value, string message)
    {
        await _run.RunAsync("demo", "--days", "10");

        var (exitCode, output) = await _run.RunAsync("backtest", "--dataset", "synthetic-s42-10d", "--strategy", "momentum@SYNA_1m", flag, value);

        Assert.Equal(1, exitCode);
        Assert.Contains(message, output.ReplaceLineEndings(""));
    }

    [Fact]
    public async Task A_regime_the_classifier_never_reports_or_a_classifier_the_signals_lack_is_refused_listing_what_there_is()
    {
        await _run.RunAsync("demo", "--days", "10");
        var (_, generated) = await _run.RunAsync("generate", "--dataset", "synthetic-s42-10d", "--strategy", "momentum@SYNA_1m", "--classifier", "trend@SYNA_1m");
        var set = System.Text.RegularExpressions.Regex.Match(generated, "ss-[0-9a-f]+").Value;

        var (replayExit, replay) = await _run.RunAsync("replay", "--signal-set", set, "--regime", "trend=UP");
        var (backtestExit, backtest) = await _run.RunAsync("backtest", "--dataset", "synthetic-s42-10d", "--strategy", "momentum@SYNA_1m", "--classifier", "trend@SYNA_1m", "--regime", "trend=NEUTRAL|UP");
        var (lackingExit, lacking) = await _run.RunAsync("replay", "--signal-set", set, "--regime", "volatility=HIGH");
        var (noneExit, none) = await _run.RunAsync("backtest", "--dataset", "synthetic-s42-10d", "--strategy", "momentum@SYNA_1m", "--regime", "trend=NEUTRAL");
        var (goodExit, good) = await _run.RunAsync("replay", "--signal-set", set, "--regime", "trend=NEUTRAL|TRENDING_UP");

        const string regimes = "'UP' is not a regime of classifier 'trend'; its regimes are TRENDING_UP, TRENDING_DOWN, NEUTRAL.";
        Assert.Equal((1, 1, 1, 1), (replayExit, backtestExit, lackingExit, noneExit));
        Assert.Contains(regimes, replay.ReplaceLineEndings(""));
        Assert.Contains(regimes, backtest.ReplaceLineEndings(""));
        Assert.Contains("--regime filters on classifier 'volatility', which these signals lack; they have trend.", lacking.ReplaceLineEndings(""));
        Assert.Contains("these signals have no classifier: add one with --classifier", none.ReplaceLineEndings(""));
        Assert.True(goodExit == 0, good);
    }

    [Fact]
    public async Task Backtesting_an_unknown_dataset_is_refused_naming_it()
    {
        var (exitCode, output) = await _run.RunAsync("backtest", "--dataset", "nope", "--strategy", "momentum@SYNA_1m");

        Assert.Equal(1, exitCode);
        Assert.Contains("There is no base dataset 'nope'", output.ReplaceLineEndings(""));
    }

    [Fact]
    public async Task Replaying_an_unknown_signal_set_is_refused()
    {
        var (exitCode, output) = await _run.RunAsync("replay", "--signal-set", "ss-000000000000000000000000");

        Assert.Equal(1, exitCode);
        Assert.Contains("There is no signal set 'ss-000000000000000000000000'", output.ReplaceLineEndings(""));
    }
}
