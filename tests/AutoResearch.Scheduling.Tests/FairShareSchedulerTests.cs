using AutoResearch.Abstractions.Grains;

namespace AutoResearch.Scheduling.Tests;

public sealed class FairShareSchedulerTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 23, 22, 0, 0, TimeSpan.Zero);

    private static SlotRequest Cpu(string campaign = "c", string agent = "a", double weight = 1) =>
        new() { CampaignId = campaign, AgentId = agent, AgentWeight = weight, MaxDuration = TimeSpan.FromMinutes(1) };

    [Fact]
    public void A_free_slot_is_granted_at_once_with_its_gpus_and_the_grant_time()
    {
        var s = new FairShareScheduler(2, ["0", "1"]);
        var id = s.Enqueue(Cpu() with { Gpus = 2 }, T0);
        var d = Assert.Single(s.Schedule(T0));
        Assert.Equal(id, d.RequestId);
        Assert.Equal(["0", "1"], d.Lease!.GpuDeviceIds);
        Assert.Equal(T0, d.Lease.GrantedAt);
        Assert.Equal(0, d.Lease.Slot);
        var status = s.Snapshot(T0.AddSeconds(10));
        Assert.Equal(1, status.Busy);
        Assert.Equal(["0", "1"], status.BusyGpuDeviceIds);
        Assert.Equal(10, status.CampaignSlotSeconds["c"], 9);
    }

    [Fact]
    public void Requests_that_can_never_be_served_are_refused_with_the_reason()
    {
        var s = new FairShareScheduler(2, ["0"]);
        var tooMany = s.Enqueue(Cpu() with { Gpus = 2 }, T0);
        var late = s.Enqueue(Cpu() with { MaxDuration = TimeSpan.FromMinutes(10), MustFinishBy = T0.AddMinutes(5) }, T0);
        var decisions = s.Schedule(T0).ToDictionary(d => d.RequestId);
        Assert.Equal("the run needs 2 GPUs and this host has 1", decisions[tooMany].Refusal);
        Assert.StartsWith("it could not finish before the campaign deadline 2026-11-23 22:05:00Z: it may take up to 600 s and only 300 s are left", decisions[late].Refusal);
        Assert.Equal(0, s.Waiting);
        Assert.Equal("the run needs a GPU and this host has none", Assert.Single(new FairShareScheduler(1, []).Let(x => { x.Enqueue(Cpu() with { Gpus = 1 }, T0); return x.Schedule(T0); })).Refusal);
    }

    [Fact]
    public void A_request_waiting_while_the_deadline_comes_closer_is_refused_not_granted()
    {
        var s = new FairShareScheduler(1, []);
        s.Enqueue(Cpu(), T0);
        var first = Assert.Single(s.Schedule(T0)).Lease!;
        var waiting = s.Enqueue(Cpu() with { MustFinishBy = T0.AddMinutes(2) }, T0);
        Assert.Empty(s.Schedule(T0));
        s.Release(first.LeaseId, T0.AddSeconds(90));
        var d = Assert.Single(s.Schedule(T0.AddSeconds(90)));
        Assert.Equal(waiting, d.RequestId);
        Assert.Null(d.Lease);
        Assert.Contains("deadline", d.Refusal);
    }

    [Fact]
    public void The_agent_holding_fewer_slots_per_weight_goes_first()
    {
        var s = new FairShareScheduler(3, []);
        s.Enqueue(Cpu(agent: "heavy", weight: 2), T0);
        s.Enqueue(Cpu(agent: "heavy", weight: 2), T0);
        s.Schedule(T0);
        var light = s.Enqueue(Cpu(agent: "light", weight: 1), T0);
        s.Enqueue(Cpu(agent: "heavy", weight: 2), T0);
        var d = Assert.Single(s.Schedule(T0));
        Assert.Equal(light, d.RequestId);
    }

    [Fact]
    public void A_waiting_gpu_request_keeps_other_gpu_requests_off_the_devices_but_cpu_work_may_fill_slots()
    {
        var s = new FairShareScheduler(4, ["0", "1"]);
        s.Enqueue(Cpu(agent: "one-gpu") with { Gpus = 1 }, T0);
        var held = Assert.Single(s.Schedule(T0)).Lease!;
        var big = s.Enqueue(Cpu(agent: "two-gpus") with { Gpus = 2 }, T0);
        var small = s.Enqueue(Cpu(agent: "another-gpu") with { Gpus = 1 }, T0);
        var cpu = s.Enqueue(Cpu(agent: "cpu"), T0);
        var granted = s.Schedule(T0).Select(d => d.RequestId).ToList();
        Assert.Equal([cpu], granted);
        s.Release(held.LeaseId, T0.AddSeconds(5));
        Assert.Equal([big], s.Schedule(T0.AddSeconds(5)).Select(d => d.RequestId));
        Assert.Equal(1, s.Waiting);
        Assert.True(s.Cancel(small));
        Assert.False(s.Cancel(small));
    }

    [Fact]
    public void A_campaign_never_holds_more_than_its_cap()
    {
        var s = new FairShareScheduler(4, []);
        for (var i = 0; i < 4; i++) s.Enqueue(Cpu(campaign: "capped") with { MaxSlotsForCampaign = 2 }, T0);
        var other = s.Enqueue(Cpu(campaign: "other"), T0);
        var granted = s.Schedule(T0);
        Assert.Equal(3, granted.Count);
        Assert.Contains(granted, d => d.RequestId == other);
        Assert.Equal(2, s.Waiting);
    }

    [Fact]
    public void Gpu_ids_must_be_distinct_and_slots_positive()
    {
        Assert.Throws<ArgumentException>(() => new FairShareScheduler(1, ["0", "0"]));
        Assert.Throws<ArgumentOutOfRangeException>(() => new FairShareScheduler(0, []));
    }
}
