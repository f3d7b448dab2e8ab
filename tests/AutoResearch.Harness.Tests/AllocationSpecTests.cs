using AutoResearch.Abstractions.Specs;

namespace AutoResearch.Harness.Tests;

/// <summary>The campaign's <c>allocation:</c> (fair by default, or gain).</summary>
public sealed class AllocationSpecTests : IDisposable
{
    private readonly TempTree _tree = new();

    public void Dispose() => _tree.Dispose();

    private string CampaignFile => _tree.PathOf("campaigns/demo.yaml");

    [Fact]
    public void Without_the_key_allocation_is_fair()
    {
        Assert.Equal(AllocationPolicy.Fair, CampaignLoader.Load(Specs.WriteCampaign(_tree)).Allocation);
    }

    [Theory]
    [InlineData("fair", AllocationPolicy.Fair)]
    [InlineData("gain", AllocationPolicy.Gain)]
    [InlineData("Gain", AllocationPolicy.Gain)]
    public void Allocation_reads_fair_or_gain(string value, AllocationPolicy expected)
    {
        var spec = CampaignLoader.Load(Specs.WriteCampaign(_tree, campaign: Specs.Campaign.With("slots: 2\n", $"slots: 2\nallocation: {value}\n")));
        Assert.Equal(expected, spec.Allocation);
    }

    [Fact]
    public void An_unknown_allocation_is_named_with_the_allowed_values()
    {
        var error = Expect.Invalid(() => CampaignLoader.Load(Specs.WriteCampaign(_tree, campaign: Specs.Campaign.With("slots: 2\n", "slots: 2\nallocation: ucb\n"))));
        Expect.Error(error, CampaignFile, "allocation", "must be 'fair' (first come, the default) or 'gain'");
        Expect.Error(error, CampaignFile, "allocation", "not 'ucb'");
    }
}
