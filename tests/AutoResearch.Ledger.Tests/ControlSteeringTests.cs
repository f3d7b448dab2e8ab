using AutoResearch.Abstractions.Experiments;

namespace AutoResearch.Ledger.Tests;

/// <summary>Steering requests (migration ControlSteering) keep their experiment number, limits and parameters through the queue.</summary>
public sealed class ControlSteeringTests
{
    public static TheoryData<string> Backends => LedgerTestDatabase.Backends;

    [Theory]
    [MemberData(nameof(Backends))]
    public async Task Stop_limits_and_configuration_requests_come_back_as_they_were_queued(string backend)
    {
        await using var db = LedgerTestDatabase.Create(backend);
        var id = TestData.NewCampaignId();
        var now = new DateTimeOffset(2026, 12, 5, 1, 0, 0, TimeSpan.Zero);
        await db.Ledger.UpsertCampaignAsync(TestData.Campaign(id, now));
        var deadline = new DateTimeOffset(2026, 12, 5, 7, 30, 0, TimeSpan.Zero);
        ControlRequest[] queued =
        [
            new() { CampaignId = id, AgentId = "gp-1", Action = ControlAction.StopExperiment, ExperimentSequence = 12, Reason = "wrong idea", RequestedBy = "alice", RequestedAt = now },
            new() { CampaignId = id, Action = ControlAction.SetLimits, Limits = new LimitsChange { Deadline = deadline, MaxExperiments = 300, Slots = 2 }, RequestedAt = now },
            new() { CampaignId = id, Action = ControlAction.SetLimits, Limits = new LimitsChange { Slots = 1 }, RequestedAt = now },
            new() { CampaignId = id, Action = ControlAction.TryConfiguration, Parameters = AutoResearch.Abstractions.Parameters.ParameterSet.FromStored(new Dictionary<string, string>() { ["lr"] = "0.003", ["act"] = "relu" }), RequestedAt = now },
        ];
        foreach (var request in queued) await db.Ledger.EnqueueControlAsync(request);

        var pending = await db.Ledger.GetPendingControlsAsync(id);

        Assert.Equal(4, pending.Count);
        Assert.Equal(("gp-1", ControlAction.StopExperiment, 12, "wrong idea"), (pending[0].AgentId, pending[0].Action, pending[0].ExperimentSequence, pending[0].Reason));
        Assert.Null(pending[0].Limits);
        Assert.Null(pending[0].Parameters);
        Assert.Equal(new LimitsChange { Deadline = deadline, MaxExperiments = 300, Slots = 2 }, pending[1].Limits);
        Assert.Equal(new LimitsChange { Slots = 1 }, pending[2].Limits);
        Assert.Equal(new Dictionary<string, string> { ["lr"] = "0.003", ["act"] = "relu" }, pending[3].Parameters!.ToText());
        Assert.Null(pending[3].ExperimentSequence);
    }
}
