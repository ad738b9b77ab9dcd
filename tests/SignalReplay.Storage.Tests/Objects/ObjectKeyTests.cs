using SignalReplay.Storage.Objects;

namespace SignalReplay.Storage.Tests.Objects;

public sealed class ObjectKeyTests
{
    [Theory]
    [InlineData("data/base/demo/SPY_1m.parquet")]
    [InlineData("data/indices/abc/signals/momentum(fast=10,slow=50)|ff=0.5.parquet")]
    [InlineData("results/w-1/summary.json")]
    public void Accepts_the_keys_of_the_layout(string key)
    {
        Assert.Equal(key, ObjectKey.Parse(key).Value);
    }

    [Theory]
    [InlineData("", "it is empty")]
    [InlineData("/etc/passwd", "starts or ends with '/'")]
    [InlineData("data/", "starts or ends with '/'")]
    [InlineData("data//x", "empty segment")]
    [InlineData("data/../../etc/passwd", "'..' segment")]
    [InlineData("data/./x", "'.' segment")]
    [InlineData("..", "'..' segment")]
    [InlineData("data\\x", "the character '\\'")]
    [InlineData("c:/x", "the character ':'")]
    [InlineData("data/a*b", "the character '*'")]
    [InlineData("data/a\u0001b", "control character")]
    public void Refuses_a_key_naming_the_key_and_the_rule(string key, string rule)
    {
        var error = Assert.Throws<InvalidObjectKeyException>(() => ObjectKey.Parse(key));

        Assert.Contains($"'{key}'", error.Message);
        Assert.Contains(rule, error.Message);
        Assert.False(ObjectKey.TryParse(key, out _));
    }

    [Fact]
    public void Refuses_a_key_longer_than_the_limit()
    {
        var error = Assert.Throws<InvalidObjectKeyException>(() => ObjectKey.Parse(new string('a', ObjectKey.MaxLength + 1)));

        Assert.Contains("longer than 1024", error.Message);
    }
}
