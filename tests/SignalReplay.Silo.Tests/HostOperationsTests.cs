using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using SignalReplay.Core.Synthetic;
using SignalReplay.Storage.BaseData;
using SignalReplay.Storage.Objects;

namespace SignalReplay.Silo.Tests;

/// <summary>The host as operators meet it: its --help, and its telemetry leaving over OTLP.</summary>
public sealed class HostOperationsTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Help_lists_the_hosts_settings_and_starts_no_silo()
    {
        using var folder = new TempFolder();

        var (exitCode, output) = await DotnetProcess.RunAsync(folder.Path, [SiloHostProcess.Assembly(), "--help"], Cancel, TimeSpan.FromMinutes(1));

        Assert.True(exitCode == 0, output);
        foreach (var setting in new[] { "SignalReplay:Clustering", "SignalReplay:Store:Kind", "SignalReplay:Store:LocalRoot", "SignalReplay:Api:Key", "SignalReplay:SiloPort", "--urls", "OTEL_EXPORTER_OTLP_ENDPOINT" })
        {
            Assert.Contains(setting, output, StringComparison.Ordinal);
        }

        Assert.DoesNotContain("Silo starting", output, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(folder.Path, ".signalreplay")), "--help created a store");
    }

    [Fact]
    public async Task With_an_otlp_endpoint_the_host_exports_a_span_per_run_and_phase_and_our_meters_beside_orleans()
    {
        using var folder = new TempFolder();
        var store = folder.Combine("store");
        await new BaseDatasetStore(new LocalFolderStore(store)).WriteAsync("api", SyntheticMarket.Generate(SyntheticMarketOptions.Default with { TradingDays = 5 }).Series, Cancel);
        await using var collector = OtlpCapture.Start();
        await using var silo = await SiloHostProcess.StartAsync(store, new Dictionary<string, string>
        {
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = collector.Endpoint,
            ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",
            ["OTEL_METRIC_EXPORT_INTERVAL"] = "500",
            ["OTEL_BSP_SCHEDULE_DELAY"] = "200",
        });
        using var http = new HttpClient { BaseAddress = silo.Api };

        var started = await http.PostAsync("/api/runs", new StringContent(RunConfigs.Small("otel-run", "api"), MediaTypeHeaderValue.Parse("application/yaml")), Cancel);
        var id = (await started.Content.ReadFromJsonAsync<JsonElement>(Cancel)).GetProperty("run_id").GetString()!;
        var clock = Stopwatch.StartNew();
        while ((await http.GetFromJsonAsync<JsonElement>($"/api/runs/{id}", Cancel)).GetProperty("state").GetString() == "running")
        {
            Assert.True(clock.Elapsed < TimeSpan.FromMinutes(3), "The run did not finish in 3 minutes.");
            await Task.Delay(200, Cancel);
        }

        // OTLP protobuf carries names as UTF-8: the scope, span and instrument names are in the bodies as they are.
        string[] spans = ["SignalReplay", "run", "phase grid", "phase regime", id, "Microsoft.Orleans.Runtime"]; // grain calls too
        string[] meters = ["signalreplay.portfolios.replayed", "signalreplay.phase.duration", "signalreplay.runs.finished", "signalreplay.signal_batches.delivered", "Microsoft.Orleans"];
        while (!(collector.Saw("/v1/traces", spans) && collector.Saw("/v1/metrics", meters)))
        {
            Assert.True(clock.Elapsed < TimeSpan.FromMinutes(4), $"The collector saw {collector.Summary()} but not every span and meter: {silo.Output}");
            await Task.Delay(200, Cancel);
        }
    }

    /// <summary>An OTLP/HTTP endpoint on loopback that keeps every body it is sent, by path, and answers each with an empty success.</summary>
    private sealed class OtlpCapture : IAsyncDisposable
    {
        private readonly HttpListener _listener = new();
        private readonly ConcurrentQueue<(string Path, string Body)> _received = new();
        private readonly Task _serving;

        private OtlpCapture(int port)
        {
            Endpoint = $"http://127.0.0.1:{port}";
            _listener.Prefixes.Add(Endpoint + "/");
            _listener.Start();
            _serving = ServeAsync();
        }

        public string Endpoint { get; }

        public static OtlpCapture Start() => new(LoopbackPort.Free());

        public bool Saw(string path, IEnumerable<string> names)
        {
            var bodies = string.Concat(_received.Where(r => r.Path == path).Select(r => r.Body));
            return names.All(name => bodies.Contains(name, StringComparison.Ordinal));
        }

        public string Summary() => string.Join(", ", _received.GroupBy(r => r.Path).Select(g => $"{g.Count()} POST {g.Key}"));

        private async Task ServeAsync()
        {
            while (_listener.IsListening)
            {
                HttpListenerContext context;
                try
                {
                    context = await _listener.GetContextAsync();
                }
                catch (Exception error) when (error is HttpListenerException or ObjectDisposedException)
                {
                    return;
                }

                using var body = new MemoryStream();
                await context.Request.InputStream.CopyToAsync(body);
                _received.Enqueue((context.Request.Url!.AbsolutePath, Encoding.UTF8.GetString(body.ToArray())));
                context.Response.StatusCode = 200;
                context.Response.ContentType = "application/x-protobuf";
                context.Response.Close();
            }
        }

        public async ValueTask DisposeAsync()
        {
            _listener.Stop();
            _listener.Close();
            await _serving;
        }
    }
}
