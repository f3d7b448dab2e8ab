using AutoResearch.Abstractions.Ports;
using AutoResearch.Abstractions.Specs;
using Microsoft.Extensions.DependencyInjection;

namespace AutoResearch.Proposers.Tests;

public sealed class ProposerFactoryTests
{
    [Theory]
    [InlineData("gp", typeof(GaussianProcessProposer))]
    [InlineData("tpe", typeof(TreeParzenProposer))]
    [InlineData("random", typeof(RandomSearchProposer))]
    [InlineData("cmaes", typeof(CmaEsProposer))]
    [InlineData("portfolio", typeof(PortfolioProposer))]
    [InlineData(" GP ", typeof(GaussianProcessProposer))]
    public void Create_BuildsTheNamedStrategy(string strategy, Type expected)
    {
        IProposer proposer = new ProposerFactory().Create(Agent(strategy));
        Assert.IsType(expected, proposer);
        Assert.Equal(strategy.Trim().ToLowerInvariant(), proposer.Name);
    }

    [Fact]
    public void Strategies_ListsTheBuiltIns() =>
        Assert.Equal(["gp", "tpe", "random", "ablation", "cmaes", "portfolio"], new ProposerFactory().Strategies);

    [Fact]
    public void Create_UnknownStrategy_NamesTheKnownOnes()
    {
        var ex = Assert.Throws<ArgumentException>(() => new ProposerFactory().Create(Agent("claude")));
        Assert.Contains("claude", ex.Message, StringComparison.Ordinal);
        Assert.Contains("gp, tpe, random", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AddBuiltInProposers_RegistersTheFactory()
    {
        using ServiceProvider provider = new ServiceCollection().AddBuiltInProposers().BuildServiceProvider();
        Assert.IsType<ProposerFactory>(provider.GetRequiredService<IProposerFactory>());
    }

    private static AgentSpec Agent(string strategy) => new() { Id = "a", Role = "r", Proposer = strategy };
}
