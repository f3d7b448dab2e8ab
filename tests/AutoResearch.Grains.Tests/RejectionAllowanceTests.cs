using AutoResearch.Abstractions.Experiments;
using AutoResearch.Abstractions.Grains;
using AutoResearch.Abstractions.Journal;
using AutoResearch.Abstractions.Ports;
using AutoResearch.Abstractions.Specs;
using AutoResearch.Proposers;
using Microsoft.Extensions.DependencyInjection;
using Orleans.TestingHost;

namespace AutoResearch.Grains.Tests;

/// <summary>
/// Rejected proposals cost no experiment, so an agent whose every proposal is rejected must still stop: a built-in agent
/// stops at its allowance of rejections while the others run every experiment of the campaign.
/// </summary>
public sealed class RejectionAllowanceTests : IAsyncLifetime
{
    private readonly string _data = Path.Combine(Path.GetTempPath(), "ar-allow-" + Guid.NewGuid().ToString("N")[..8]);
    private InProcessTestCluster _cluster = null!;

    public async Task InitializeAsync() =>
        _cluster = await ClusterFixture.StartAsync(_data, slots: 2, gpuDeviceIds: [], services =>
        {
            services.AddSingleton<ISandboxRunner>(new ScriptedSandboxRunner { Delay = TimeSpan.FromSeconds(1) });
            services.AddSingleton<IDiskSpaceGuard>(new ScriptedDiskSpaceGuard());
            services.AddSingleton<IProposerFactory>(new BrokenOrBuiltInFactory(new ProposerFactory()));
        });

    public async Task DisposeAsync()
    {
        await _cluster.DisposeAsync();
        try { Directory.Delete(_data, recursive: true); } catch (IOException) { }
    }

    [Fact]
    public async Task An_agent_whose_every_proposal_is_rejected_stops_at_its_allowance_and_the_others_run_every_experiment()
    {
        var spec = TestSpecs.Campaign("allowance", maxExperiments: 10, slots: 2) with
        {
            Agents =
            [
                new AgentSpec { Id = "broken-1", Role = "explorer", Proposer = BrokenProposer.StrategyName, Seed = 3, CpuBudgetSeconds = 0, Settings = new() { ["max_rejections"] = "3" } },
                new AgentSpec { Id = "random-2", Role = "random", Proposer = "random", Seed = 4, CpuBudgetSeconds = 0 },
            ],
        };
        var id = TestSpecs.UniqueId("allowance");
        await _cluster.Client.GetGrain<ICampaignGrain>(id).Start(spec);
        var status = await Waits.ForEndAsync(_cluster.Client, id, seconds: 60);

        var experiments = await _cluster.Silos[0].ServiceProvider.GetRequiredService<ILedger>().GetExperimentsAsync(id);
        var journal = await _cluster.Silos[0].ServiceProvider.GetRequiredService<IJournal>().ReadAsync(id);
        var story = string.Join("\n", experiments.OrderBy(e => e.Sequence).Select(e => $"#{e.Sequence} {e.AgentId} {e.ProposerName} {e.Status} {e.Failure} {e.Reason}"));
        Assert.True(status.State == CampaignState.Completed, $"{status.State} {status.Reason}\n{story}");
        // Its allowance is 3; a proposal another of its workers was already making when the fifth came back may add to it.
        var rejected = experiments.Count(e => e.AgentId == "broken-1" && e.IsRejectedProposal());
        Assert.True(rejected is >= 3 and <= 5, $"{rejected} rejected\n{story}");
        Assert.Equal(10, experiments.Count(e => !e.IsRejectedProposal()));
        Assert.Equal((10, 10), (status.Launched, status.Finished));
        var broken = status.Agents.Single(a => a.Id == "broken-1");
        Assert.Equal((rejected, 3, AgentState.Done), (broken.Rejections, broken.MaxRejections, broken.State));
        Assert.Contains(journal, j => j.Author == "broken-1" && j.Text.StartsWith("Stopping: ", StringComparison.Ordinal) && j.Text.Contains("of my proposals were rejected before running, the most this campaign allows me (3)", StringComparison.Ordinal));
    }

    private sealed class BrokenOrBuiltInFactory(ProposerFactory builtIns) : IProposerFactory
    {
        public IReadOnlyCollection<string> Strategies => [.. builtIns.Strategies, BrokenProposer.StrategyName];

        public IProposer Create(AgentSpec agent) => agent.Proposer == BrokenProposer.StrategyName ? new BrokenProposer() : builtIns.Create(agent);
    }

    /// <summary>Always proposes x1 out of its range: every proposal is rejected before it runs.</summary>
    private sealed class BrokenProposer : IProposer
    {
        public const string StrategyName = "broken";

        public string Name => StrategyName;

        public Task<Proposal> ProposeAsync(ProposalContext context, CancellationToken cancellationToken) =>
            Task.FromResult(new Proposal
            {
                Parameters = AutoResearch.Abstractions.Parameters.ParameterSet.FromStored(new Dictionary<string, string>(StringComparer.Ordinal) { ["x1"] = "99", ["x2"] = "1" }),
                Hypothesis = "x1 far out of range",
                ProposerName = Name,
            });
    }
}
