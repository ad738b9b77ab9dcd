using System.Text.Json;
using SignalReplay.Storage.Results;

namespace SignalReplay.Storage.Tests.Results;

public sealed class ResultsJsonTests
{
    [Fact]
    public void An_undefined_metric_is_null_in_json_and_reads_back_undefined()
    {
        var ranked = new RankedPortfolio(
            1, "p", "p", double.NaN, new Dictionary<string, double> { ["sharpe"] = double.NaN, ["sortino"] = 1.5, ["cagr"] = double.PositiveInfinity }, 3, "sharpe undefined");

        var json = JsonSerializer.Serialize(ranked, ResultsJson.Compact);
        var back = JsonSerializer.Deserialize<RankedPortfolio>(json, ResultsJson.Options)!;

        Assert.Contains("\"score\":null", json, StringComparison.Ordinal);
        Assert.Contains("\"sharpe\":null", json, StringComparison.Ordinal);
        Assert.Contains("\"cagr\":\"Infinity\"", json, StringComparison.Ordinal);
        Assert.Contains("\"windows\":3,\"excluded_because\":\"sharpe undefined\"", json, StringComparison.Ordinal);
        Assert.True(double.IsNaN(back.Score));
        Assert.True(double.IsNaN(back.Metrics["sharpe"]));
        Assert.Equal(1.5, back.Metrics["sortino"]);
        Assert.Equal(double.PositiveInfinity, back.Metrics["cagr"]);
    }
}
