using AutoResearch.Abstractions.Experiments;
using AutoResearch.Abstractions.Grains;
using AutoResearch.Abstractions.Specs;

namespace AutoResearch.Grains.Tests;

/// <summary>Steering through the real campaign and agent grains: more slots used at once (the agent gains workers), a person's configuration run next.</summary>
[Collection(ClusterCollection.Name)]
public sealed class SteeringGrainTests(ClusterFixture fixture)
{
    private const int WaitSeconds = 60;

    [Fact]
    public async Task More_slots_given_while_it_runs_are_used_at_once_and_a_persons_configuration_runs_next()
    {
        var id = TestSpecs.UniqueId("steer");
        fixture.Sandbox.Script(id, _ => { Thread.Sleep(300); return null; });
        var spec = TestSpecs.Campaign("steer", maxExperiments: 400, slots: 1, duration: TimeSpan.FromMinutes(5), proposers: ["random"]) with
        {
            Benchmark = TestSpecs.Branin(timeLimit: TimeSpan.FromSeconds(2)),
            Noise = NoiseSpec.Off,
        };
        var campaign = fixture.Grains.GetGrain<ICampaignGrain>(id);
        await campaign.Start(spec);
        try
        {
            await Waits.UntilAsync(async () => (await fixture.Ledger.GetExperimentsAsync(id)).Count(e => e.IsFinished) >= 3, WaitSeconds, "three finished experiments");
            Assert.Equal(1, fixture.Sandbox.PeakConcurrency(id));

            var status = await campaign.Control(Request(id, ControlAction.SetLimits) with { Limits = new LimitsChange { Slots = ClusterFixture.FleetSlots, MaxExperiments = 300 } });
            Assert.Equal((ClusterFixture.FleetSlots, 300), (status.Slots, status.MaxExperiments));
            // One agent had slots + 1 = 2 workers: a third run at once needs the workers it gains with the slots.
            await Waits.UntilAsync(() => Task.FromResult(fixture.Sandbox.PeakConcurrency(id) >= ClusterFixture.FleetSlots), WaitSeconds, "three experiments running at once after the slots grew");

            await campaign.Control(Request(id, ControlAction.TryConfiguration) with { Parameters = AutoResearch.Abstractions.Parameters.ParameterSet.FromStored(new Dictionary<string, string>() { ["x1"] = "9.42478", ["x2"] = "2.475" }) });
            ExperimentRecord? person = null;
            await Waits.UntilAsync(async () => (person = (await fixture.Ledger.GetExperimentsAsync(id)).FirstOrDefault(e => e.Origin == ProposalOrigin.Person && e.IsFinished)) is not null,
                WaitSeconds, "the person's configuration run");
            Assert.Equal((ExperimentStatus.Succeeded, "9.42478", "2.475"), (person!.Status, person.Parameters["x1"].Text, person.Parameters["x2"].Text));
            Assert.Equal(ScriptedSandboxRunner.Branin(9.42478, 2.475), person.Objective);
            var controls = await fixture.Ledger.GetControlsAsync(id);
            Assert.All(controls.Where(c => c.Action is ControlAction.SetLimits or ControlAction.TryConfiguration), c => Assert.Equal(ControlOutcomeKind.Applied, c.OutcomeKind));
        }
        finally
        {
            await campaign.Stop("test over");
        }
    }

    private static ControlRequest Request(string id, ControlAction action) =>
        new() { CampaignId = id, Action = action, RequestedBy = "test", RequestedAt = DateTimeOffset.UtcNow };
}
