using AutoResearch.Proposers.Encoding;

namespace AutoResearch.Proposers.Tests;

public sealed class ParameterSpaceTests
{
    private readonly ParameterSpace space = new(
    [
        TestSpecs.Float("lr", 1e-4, 1, log: true),
        TestSpecs.Int("hidden", 1, 1024, log: true),
        TestSpecs.Int("layers", 1, 4),
        TestSpecs.Choice("act", "relu", "tanh", "gelu"),
    ]);

    [Fact]
    public void Encoding_UsesOneHotForChoices()
    {
        Assert.Equal(4, space.Count);
        Assert.Equal(6, space.Dimensions);
        double[] x = space.Encode(AutoResearch.Abstractions.Parameters.ParameterSet.FromStored(new Dictionary<string, string> { ["lr"] = "0.01", ["hidden"] = "32", ["layers"] = "2", ["act"] = "gelu" }));
        Assert.Equal(0.5, x[0], 12);                     // log10 0.01 is halfway between −4 and 0
        Assert.Equal([0.0, 0.0, 1.0], x[3..]);
    }

    [Fact]
    public void Decode_RoundTripsValidAssignments()
    {
        var values = new Dictionary<string, string> { ["lr"] = "0.003", ["hidden"] = "100", ["layers"] = "4", ["act"] = "tanh" };
        Dictionary<string, string> decoded = space.Decode(space.Encode(AutoResearch.Abstractions.Parameters.ParameterSet.FromStored(values))).ToText();
        Assert.Equal("100", decoded["hidden"]);
        Assert.Equal("4", decoded["layers"]);
        Assert.Equal("tanh", decoded["act"]);
        Assert.Equal(0.003, TestSpecs.Parse(decoded["lr"]), 12);
    }

    [Fact]
    public void Integers_GetEqualShares_OfTheLinearUnitInterval()
    {
        var p = space.Parameters[2]; // layers 1..4
        Assert.Equal(1, p.FromUnit(0.0));
        Assert.Equal(1, p.FromUnit(0.24));
        Assert.Equal(2, p.FromUnit(0.26));
        Assert.Equal(4, p.FromUnit(1.0));
    }

    [Fact]
    public void BadValues_FallBackToTheDefault()
    {
        double[] x = space.Encode(AutoResearch.Abstractions.Parameters.ParameterSet.FromStored(new Dictionary<string, string> { ["lr"] = "fast", ["act"] = "swish" }));
        Dictionary<string, string> decoded = space.Decode(x).ToText();
        Assert.Equal("relu", decoded["act"]);
        Assert.Equal("1", decoded["hidden"]);
        Assert.Equal(0.01, TestSpecs.Parse(decoded["lr"]), 10);
    }
}
