using System.Text.RegularExpressions;
using SignalReplay.Grains.Optimization;
using SignalReplay.Storage;

namespace SignalReplay.Grains.Tests;

public sealed class RunIdsTests
{
    [Fact]
    public void An_id_is_the_name_a_stamp_and_64_random_bits_and_stays_a_valid_store_name()
    {
        var longest = new string('n', DataLayout.Name.MaxLength);

        var id = RunIds.New(longest);

        Assert.Matches(new Regex($"^n{{{RunIds.MaxNameLength}}}-[0-9]{{8}}-[0-9]{{6}}-[0-9a-f]{{16}}$"), id);
        Assert.True(DataLayout.Name.IsValid(id), id);
        Assert.Equal(DataLayout.Name.MaxLength, id.Length);
        Assert.StartsWith("grid-", RunIds.New("grid"), StringComparison.Ordinal);
    }

    [Fact]
    public void Ids_made_in_one_second_differ()
    {
        var ids = Enumerable.Range(0, 10_000).Select(_ => RunIds.New("same")).ToList();

        Assert.Equal(ids.Count, ids.Distinct(StringComparer.Ordinal).Count());
    }
}
