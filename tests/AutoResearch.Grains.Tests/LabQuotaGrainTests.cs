using AutoResearch.Abstractions.Experiments;
using AutoResearch.Abstractions.Grains;
using AutoResearch.Abstractions.Specs;

namespace AutoResearch.Grains.Tests;

/// <summary>The lab's quota through the real grains: once the lab's recorded use reaches it, agents stop with <see cref="AgentStopReason.QuotaSpent"/>.</summary>
[Collection(ClusterCollection.Name)]
public sealed class LabQuotaGrainTests(ClusterFixture fixture)
{
    [Fact]
    public async Task Agents_stop_with_a_typed_reason_when_the_labs_quota_is_used_up()
    {
        var id = TestSpecs.UniqueId("quota");
        fixture.Sandbox.Script(id, _ => { Thread.Sleep(300); return null; });
        var spec = TestSpecs.Campaign("quota", maxExperiments: 200, slots: 2, proposers: ["random", "random"]) with
        {
            Benchmark = TestSpecs.Branin(timeLimit: TimeSpan.FromSeconds(1)),
            Noise = NoiseSpec.Off,
        };
        // What the other campaigns of this ledger used, plus about ten of this campaign's runs (0.3 CPU-s each).
        var before = await fixture.Ledger.GetLabUsageAsync();
        await fixture.Ledger.SetLabQuotaAsync(new LabQuota { Limits = new BudgetSpec { CpuSeconds = before.CpuSeconds + 3 }, SetBy = "test", SetAt = DateTimeOffset.UtcNow });
        try
        {
            var campaign = fixture.Grains.GetGrain<ICampaignGrain>(id);
            await campaign.Start(spec);
            var status = await Waits.ForEndAsync(fixture.Grains, id);

            Assert.Equal(CampaignState.Completed, status.State);
            Assert.Equal("every agent has finished (lab quota spent)", status.Reason);
            foreach (var agent in status.Agents)
            {
                Assert.Equal(AgentStopReason.QuotaSpent, agent.StopReason);
                Assert.Contains("the lab's quota is used up: CPU-hours", agent.StopDetail);
            }
            var experiments = await fixture.Ledger.GetExperimentsAsync(id);
            Assert.InRange(experiments.Count(e => e.IsFinished), 2, 60);
            // Nothing new starts once the quota is reached: at most the runs in flight then (one per worker) go over it.
            var after = await fixture.Ledger.GetLabUsageAsync();
            Assert.True(after.CpuSeconds <= before.CpuSeconds + 3 + 4 * 1.5, $"used {after.CpuSeconds - before.CpuSeconds:F2} CPU-s of a 3 CPU-s quota");
            var journal = await fixture.Journal.ReadAsync(id);
            Assert.Contains(journal, j => j.Text.StartsWith("Stopping: the lab's quota is used up", StringComparison.Ordinal));
        }
        finally
        {
            await fixture.Ledger.SetLabQuotaAsync(LabQuota.None with { SetBy = "test" });
        }
    }
}
