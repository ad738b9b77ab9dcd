using System.Diagnostics;
using System.Text.RegularExpressions;

namespace SignalReplay.Cli.Tests;

/// <summary>The demo's report.html as a user opens it: in a browser (Debian's headless chromium), offline.</summary>
public sealed partial class ReportTests : IDisposable
{
    private readonly CommandLineRun _run = new();

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    public void Dispose() => _run.Dispose();

    /// <summary>Where the screenshots go: beside the test binaries, printed by .ci/run as the CI's artifacts.</summary>
    public static string Artifacts => Path.Combine(AppContext.BaseDirectory, "artifacts");

    [Fact]
    public async Task The_demo_report_opens_offline_in_headless_chromium_with_every_chart_drawn()
    {
        var chromium = new[] { "/usr/bin/chromium", "/usr/bin/chromium-browser" }.FirstOrDefault(File.Exists);
        if (chromium is null)
        {
            Prerequisite.Missing("chromium is not installed: run `apt-get install chromium` (Debian) to test the HTML report in a browser");
            return;
        }

        var (exitCode, output) = await _run.RunAsync("demo", "--days", "10");
        Assert.True(exitCode == 0, output);
        var run = Directory.GetDirectories(Path.Combine(_run.StoreRoot, "results")).Single(path => !Path.GetFileName(path).StartsWith('.'));
        var report = Path.Combine(run, "report.html");
        var html = await File.ReadAllTextAsync(report, Cancel);

        // Self-contained: no script, nothing to fetch (no URL in any src or href), the charts inline SVG.
        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotMatch(ExternalReference(), html);

        // The page as the browser built it, with network resolution switched off: every chart has its line or area.
        var (dom, log) = await ChromiumAsync(chromium, "--dump-dom", new Uri(report).AbsoluteUri);
        Assert.DoesNotContain("CONSOLE", log, StringComparison.Ordinal);
        Assert.Matches(Chart("equity", "polyline"), dom);
        Assert.Matches(Chart("drawdown", "polygon"), dom);
        Assert.Contains("Phase grid (grid): 270 portfolios", dom, StringComparison.Ordinal);
        Assert.Contains("Is it real?", dom, StringComparison.Ordinal);
        Assert.Matches(new Regex("<table id=\"windows\">.*?<tbody>\\s*<tr><td>1</td><td>2024-", RegexOptions.Singleline), dom); // the walk-forward windows
        Assert.Contains("Walk-forward efficiency", dom, StringComparison.Ordinal);
        Assert.Matches(new Regex("<svg id=\"heatmap\"[^>]*>.*?<rect [^>]*fill=\"#(?!d0d4dc)[0-9a-f]{6}\"", RegexOptions.Singleline), dom); // the grid over its two most varied parameters
        Assert.Matches(new Regex("<svg id=\"equity\"[^>]*>.*?<polyline class=\"benchmark\" points=\"[0-9.]+,[0-9.]+ [0-9.]+,[0-9.]+", RegexOptions.Singleline), dom); // buy and hold
        Assert.Matches(new Regex("Dashed grey: buy and hold of SYN[ABC]_1m"), dom);
        Assert.Matches(new Regex("<svg id=\"regimes-regime\"[^>]*>(<rect [^>]*fill=\"#[0-9a-f]{6}\"><title>(NEUTRAL|TRENDING_UP|TRENDING_DOWN): ).*?<polyline points=\"[0-9.]+,[0-9.]+ [0-9.]+,[0-9.]+", RegexOptions.Singleline), dom); // price over regime bands
        Assert.Matches(new Regex("<h2>Trades of the choice: [1-9][0-9,]*"), dom);
        Assert.Matches(new Regex("<table id=\"trades\">.*?<tbody>\\s*<tr><td>2024-", RegexOptions.Singleline), dom);

        // Screenshots at a desktop and a phone width, for the CI log.
        Directory.CreateDirectory(Artifacts);
        foreach (var (name, size) in new[] { ("report-1280.png", "1280,2400"), ("report-390.png", "390,3200") })
        {
            var shot = Path.Combine(Artifacts, name);
            File.Delete(shot);
            await ChromiumAsync(chromium, $"--window-size={size}", $"--screenshot={shot}", new Uri(report).AbsoluteUri);
            Assert.True(new FileInfo(shot).Length > 20_000, $"{shot} is nearly empty");
            TestContext.Current.TestOutputHelper?.WriteLine($"report screenshot: {shot}");
        }
    }

    /// <summary>An svg of <paramref name="id"/> holding a <paramref name="shape"/> with at least two points.</summary>
    private static Regex Chart(string id, string shape) =>
        new($"<svg id=\"{id}\"[^>]*>.*?<{shape} points=\"[0-9.]+,[0-9.]+ [0-9.]+,[0-9.]+", RegexOptions.Singleline);

    [GeneratedRegex(@"(src|href)\s*=\s*[""']?\s*(https?:|//)", RegexOptions.IgnoreCase)]
    private static partial Regex ExternalReference();

    private async Task<(string Output, string Log)> ChromiumAsync(string chromium, params string[] arguments)
    {
        var profile = Path.Combine(_run.Folder, "chromium-profile");
        var start = new ProcessStartInfo(chromium)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in (string[])[
            "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", $"--user-data-dir={profile}",
            "--host-resolver-rules=MAP * ~NOTFOUND", "--enable-logging=stderr", "--v=0", .. arguments])
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync(Cancel);
        var log = process.StandardError.ReadToEndAsync(Cancel);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(Cancel);
        timeout.CancelAfter(TimeSpan.FromSeconds(90));
        await process.WaitForExitAsync(timeout.Token);
        return (await output, await log);
    }
}
