using AutoResearch.Abstractions.Grains;

namespace AutoResearch.Scheduling.Tests;

/// <summary>One example per rule and message of <see cref="FairShareScheduler"/>.</summary>
public sealed class FairShareSchedulerTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 23, 22, 0, 0, TimeSpan.Zero);

    private static SlotRequest Cpu(string campaign = "c", string agent = "a", double weight = 1, double campaignWeight = 1) =>
        new() { CampaignId = campaign, AgentId = agent, AgentWeight = weight, CampaignWeight = campaignWeight, MaxDuration = TimeSpan.FromSeconds(10) };

    [Fact]
    public void A_free_slot_is_granted_at_once_with_its_gpus_slot_and_grant_time()
    {
        var s = new FairShareScheduler(2, ["0", "1", "2"]);
        var id = s.Enqueue(Cpu() with { Gpus = 2 }, T0);
        var d = Assert.Single(s.Schedule(T0));
        Assert.Equal(id, d.RequestId);
        Assert.True(d.Granted);
        Assert.Null(d.Refusal);
        Assert.Equal(["0", "1"], d.Lease!.GpuDeviceIds);
        Assert.Equal(T0, d.Lease.GrantedAt);
        Assert.Equal(0, d.Lease.Slot);
        Assert.Equal(["2"], s.FreeGpuDeviceIds);

        var status = s.Snapshot(T0.AddSeconds(10));
        Assert.Equal(2, status.Slots);
        Assert.Equal(1, status.Busy);
        Assert.Equal(0, status.Waiting);
        Assert.Equal(["0", "1", "2"], status.GpuDeviceIds);
        Assert.Equal(["0", "1"], status.BusyGpuDeviceIds);
        var lease = Assert.Single(status.Leases);
        Assert.Equal(("c", "a", 0, T0), (lease.CampaignId, lease.AgentId, lease.Slot, lease.Since));
        Assert.Equal(10, status.CampaignSlotSeconds["c"], 9);
        Assert.Equal(10, status.AgentSlotSeconds["c/a"], 9);
    }

    [Fact]
    public void Leases_an_agent_held_before_its_restart_are_ended_and_their_slots_and_gpus_handed_on()
    {
        var s = new FairShareScheduler(2, ["0"]);
        s.Enqueue(Cpu(agent: "dead") with { Gpus = 1 }, T0);
        s.Enqueue(Cpu(agent: "dead"), T0);
        Assert.Equal(2, s.Schedule(T0).Count(d => d.Granted));
        var waiting = s.Enqueue(Cpu(agent: "alive") with { Gpus = 1 }, T0);
        Assert.Empty(s.Schedule(T0));

        Assert.Equal(0, s.ReleaseHeldBy("c", "alive", T0.AddSeconds(5)));
        Assert.Equal(0, s.ReleaseHeldBy("other", "dead", T0.AddSeconds(5)));
        Assert.Equal(2, s.ReleaseHeldBy("c", "dead", T0.AddSeconds(5)));
        Assert.Equal(0, s.Busy);
        var d = Assert.Single(s.Schedule(T0.AddSeconds(5)));
        Assert.Equal((waiting, true), (d.RequestId, d.Granted));
        Assert.Equal(["0"], d.Lease!.GpuDeviceIds);
        Assert.Equal(0, s.ReleaseHeldBy("c", "dead", T0.AddSeconds(6)));
    }

    [Fact]
    public void Requests_that_can_never_be_served_are_refused_by_the_first_schedule_with_the_reason()
    {
        var s = new FairShareScheduler(2, ["0"]);
        var tooMany = s.Enqueue(Cpu() with { Gpus = 2 }, T0);
        var late = s.Enqueue(Cpu() with { MaxDuration = TimeSpan.FromMinutes(10), MustFinishBy = T0.AddMinutes(5) }, T0);
        var badCap = s.Enqueue(Cpu(campaign: "k") with { MaxSlotsForCampaign = -1 }, T0);
        var badWeight = s.Enqueue(Cpu(agent: "w", weight: 0), T0);
        var badCampaignWeight = s.Enqueue(Cpu(campaign: "n", campaignWeight: double.NaN), T0);
        var negativeGpus = s.Enqueue(Cpu() with { Gpus = -1 }, T0);
        var fine = s.Enqueue(Cpu(), T0);

        var decisions = s.Schedule(T0).ToDictionary(d => d.RequestId);
        Assert.Equal("the run needs 2 GPUs and this host has 1", decisions[tooMany].Refusal);
        Assert.Equal("it could not finish before the campaign deadline 2026-11-23 22:05:00Z: it may take up to 600 s and only 300 s are left", decisions[late].Refusal);
        Assert.Equal("campaign k has a slot cap of -1; it must be 0 (no cap) or more", decisions[badCap].Refusal);
        Assert.Equal("agent w of campaign c has weight 0; a weight must be a positive number", decisions[badWeight].Refusal);
        Assert.Equal("campaign n has weight NaN; a weight must be a positive number", decisions[badCampaignWeight].Refusal);
        Assert.Equal("the run asks for -1 GPUs; a GPU count cannot be negative", decisions[negativeGpus].Refusal);
        Assert.All(decisions.Values.Where(d => d.RequestId != fine), d => Assert.Null(d.Lease));
        Assert.True(decisions[fine].Granted);
        Assert.Equal(0, s.Waiting);

        var cpuOnly = new FairShareScheduler(1, []);
        cpuOnly.Enqueue(Cpu() with { Gpus = 1 }, T0);
        Assert.Equal("the run needs a GPU and this host has none", Assert.Single(cpuOnly.Schedule(T0)).Refusal);
    }

    [Fact]
    public void A_request_whose_deadline_comes_too_close_while_it_waits_is_refused_and_an_exact_fit_is_granted()
    {
        var s = new FairShareScheduler(1, []);
        s.Enqueue(Cpu(), T0);
        var first = Assert.Single(s.Schedule(T0)).Lease!;
        var tooLate = s.Enqueue(Cpu() with { MaxDuration = TimeSpan.FromSeconds(60), MustFinishBy = T0.AddSeconds(100) }, T0);
        var exact = s.Enqueue(Cpu(agent: "b") with { MaxDuration = TimeSpan.FromSeconds(30), MustFinishBy = T0.AddSeconds(80) }, T0);
        Assert.Empty(s.Schedule(T0));

        Assert.True(s.Release(first.LeaseId, T0.AddSeconds(50)));
        var decisions = s.Schedule(T0.AddSeconds(50));
        Assert.Equal(2, decisions.Count);
        Assert.Equal(tooLate, decisions[0].RequestId);
        Assert.Equal("it could not finish before the campaign deadline 2026-11-23 22:01:40Z: it may take up to 60 s and only 50 s are left", decisions[0].Refusal);
        Assert.Equal(exact, decisions[1].RequestId);
        Assert.Equal(T0.AddSeconds(50), decisions[1].Lease!.GrantedAt); // 50 s + 30 s = the deadline exactly
    }

    [Fact]
    public void With_one_slot_agents_get_turns_in_proportion_to_their_weights()
    {
        var s = new FairShareScheduler(1, []);
        var grants = new Dictionary<string, int> { ["heavy"] = 0, ["light"] = 0 };
        var owner = new Dictionary<long, string>();
        foreach (var agent in grants.Keys) owner[s.Enqueue(Cpu(agent: agent, weight: agent == "heavy" ? 3 : 1), T0)] = agent;
        var now = T0;
        for (var round = 0; round < 400; round++)
        {
            var lease = Assert.Single(s.Schedule(now));
            var agent = owner[lease.RequestId];
            grants[agent]++;
            now = now.AddSeconds(10);
            s.Release(lease.Lease!.LeaseId, now);
            owner[s.Enqueue(Cpu(agent: agent, weight: agent == "heavy" ? 3 : 1), now)] = agent;
        }
        Assert.InRange(grants["heavy"], 299, 301);
        Assert.Equal(3000, s.AgentSlotSeconds(now)["c/heavy"], 1e-6);
    }

    [Fact]
    public void Campaign_weights_hold_even_with_fewer_slots_than_campaigns_need()
    {
        // Two slots, weights 1:3: the light campaign must not keep one slot (50 %) but get a quarter of the slot time.
        var s = new FairShareScheduler(2, []);
        var owner = new Dictionary<long, string>();
        void Ask(string campaign, DateTimeOffset at) => owner[s.Enqueue(Cpu(campaign: campaign, campaignWeight: campaign == "heavy" ? 3 : 1), at)] = campaign;
        for (var i = 0; i < 2; i++) { Ask("light", T0); Ask("heavy", T0); }
        var running = new List<(Guid Lease, DateTimeOffset Ends, string Campaign)>();
        var now = T0;
        while (now < T0.AddHours(1))
        {
            foreach (var d in s.Schedule(now)) running.Add((d.Lease!.LeaseId, now.AddSeconds(10), owner[d.RequestId]));
            var next = running.MinBy(r => r.Ends);
            running.Remove(next);
            now = next.Ends;
            s.Release(next.Lease, now);
            Ask(next.Campaign, now);
        }
        var seconds = s.CampaignSlotSeconds(now);
        Assert.InRange(seconds["light"] / (seconds["light"] + seconds["heavy"]), 0.24, 0.26);
    }

    [Fact]
    public void Slots_freed_at_the_same_instant_are_spread_across_campaigns_not_given_to_the_first_comer()
    {
        var s = new FairShareScheduler(4, []);
        var owner = new Dictionary<long, string>();
        for (var i = 0; i < 4; i++) owner[s.Enqueue(Cpu(campaign: "early"), T0)] = "early";
        for (var i = 0; i < 4; i++) owner[s.Enqueue(Cpu(campaign: "late"), T0)] = "late";
        var granted = s.Schedule(T0).Select(d => owner[d.RequestId]).ToList();
        Assert.Equal(["early", "late", "early", "late"], granted);
    }

    [Fact]
    public void A_campaign_never_holds_more_than_its_cap_and_others_fill_the_rest()
    {
        var s = new FairShareScheduler(4, []);
        for (var i = 0; i < 4; i++) s.Enqueue(Cpu(campaign: "capped") with { MaxSlotsForCampaign = 2 }, T0);
        var other = s.Enqueue(Cpu(campaign: "other"), T0);
        var granted = s.Schedule(T0);
        Assert.Equal(3, granted.Count);
        Assert.Contains(granted, d => d.RequestId == other);
        Assert.Equal(2, s.Leases.Count(l => l.CampaignId == "capped"));
        Assert.Equal(2, s.Waiting);

        var release = s.Leases.First(l => l.CampaignId == "capped");
        var leaseId = granted.Single(d => d.Lease!.Slot == release.Slot).Lease!.LeaseId;
        s.Release(leaseId, T0.AddSeconds(5));
        Assert.Single(s.Schedule(T0.AddSeconds(5)));
        Assert.Equal(2, s.Leases.Count(l => l.CampaignId == "capped"));
    }

    [Fact]
    public void A_waiting_gpu_request_keeps_later_gpu_requests_off_the_devices_while_cpu_work_fills_slots()
    {
        var s = new FairShareScheduler(4, ["0", "1"]);
        s.Enqueue(Cpu(agent: "one-gpu") with { Gpus = 1 }, T0);
        var held = Assert.Single(s.Schedule(T0)).Lease!;
        var big = s.Enqueue(Cpu(agent: "two-gpus") with { Gpus = 2 }, T0);
        var small = s.Enqueue(Cpu(agent: "another-gpu") with { Gpus = 1 }, T0);
        var cpu = s.Enqueue(Cpu(agent: "cpu"), T0);

        Assert.Equal([cpu], s.Schedule(T0).Select(d => d.RequestId));
        Assert.Equal(["1"], s.FreeGpuDeviceIds); // one GPU and two slots free, yet the small request waits behind the big one
        s.Release(held.LeaseId, T0.AddSeconds(5));
        var d = Assert.Single(s.Schedule(T0.AddSeconds(5)));
        Assert.Equal(big, d.RequestId);
        Assert.Equal(["0", "1"], d.Lease!.GpuDeviceIds);
        Assert.Equal([small], s.WaitingInOrder(T0.AddSeconds(5)));
    }

    [Fact]
    public void A_stream_of_single_gpu_requests_from_a_heavier_agent_does_not_starve_a_two_gpu_request()
    {
        var s = new FairShareScheduler(4, ["0", "1"]);
        var owner = new Dictionary<long, string>();
        void Ask(string agent, DateTimeOffset at) =>
            owner[s.Enqueue(Cpu(agent: agent, weight: agent == "stream" ? 5 : 1) with { Gpus = agent == "big" ? 2 : agent == "stream" ? 1 : 0 }, at)] = agent;
        for (var i = 0; i < 3; i++) { Ask("stream", T0); Ask("cpu", T0); }
        var running = new List<(Guid Lease, DateTimeOffset Ends, string Agent)>();
        var now = T0;
        foreach (var d in s.Schedule(now)) running.Add((d.Lease!.LeaseId, now.AddSeconds(10), owner[d.RequestId]));
        Ask("big", now);
        DateTimeOffset? headSince = null, bigGranted = null;
        while (bigGranted is null && now < T0.AddHours(1))
        {
            var next = running.MinBy(r => r.Ends);
            running.Remove(next);
            now = next.Ends;
            s.Release(next.Lease, now);
            Ask(next.Agent, now);
            foreach (var d in s.Schedule(now))
            {
                var agent = owner[d.RequestId];
                if (agent == "big") bigGranted = now;
                else if (headSince is not null && d.Lease!.GpuDeviceIds.Count > 0)
                    Assert.Fail($"{agent} got a GPU at {now:T} although the two-GPU request has been the head since {headSince:T}");
                running.Add((d.Lease!.LeaseId, now.AddSeconds(10), agent));
            }
            var order = s.WaitingInOrder(now);
            if (headSince is null && bigGranted is null && order.Select(id => owner[id]).FirstOrDefault(a => a != "cpu") == "big") headSince = now;
        }
        Assert.NotNull(bigGranted);
        // Once it is the head, the single-GPU leases drain (10 s) and it is granted when it comes first for a slot.
        Assert.True(bigGranted - headSince <= TimeSpan.FromSeconds(30), $"head since {headSince:T}, granted {bigGranted:T}");
    }

    [Fact]
    public void Cancel_and_release_answer_false_for_what_they_do_not_hold()
    {
        var s = new FairShareScheduler(1, []);
        var granted = s.Enqueue(Cpu(), T0);
        var waiting = s.Enqueue(Cpu(), T0);
        var lease = Assert.Single(s.Schedule(T0)).Lease!;
        Assert.False(s.Cancel(granted));
        Assert.True(s.Cancel(waiting));
        Assert.False(s.Cancel(waiting));
        Assert.False(s.Cancel(12345));
        Assert.Equal(0, s.Waiting);
        Assert.False(s.Release(Guid.NewGuid(), T0));
        Assert.True(s.Release(lease.LeaseId, T0.AddSeconds(3)));
        Assert.False(s.Release(lease.LeaseId, T0.AddSeconds(4)));
        Assert.Empty(s.Leases);
        Assert.Equal(3, s.CampaignSlotSeconds(T0.AddSeconds(100))["c"], 9);
    }

    [Fact]
    public void A_released_slot_index_and_its_gpus_are_reused()
    {
        var s = new FairShareScheduler(3, ["a", "b", "c"]);
        for (var i = 0; i < 3; i++) s.Enqueue(Cpu(agent: $"x{i}") with { Gpus = 1 }, T0);
        var leases = s.Schedule(T0).Select(d => d.Lease!).ToList();
        Assert.Equal([0, 1, 2], leases.Select(l => l.Slot));
        Assert.Equal(["a", "b", "c"], leases.SelectMany(l => l.GpuDeviceIds));
        s.Release(leases[1].LeaseId, T0.AddSeconds(1));
        Assert.Equal(["b"], s.FreeGpuDeviceIds);
        s.Enqueue(Cpu() with { Gpus = 1 }, T0.AddSeconds(1));
        var again = Assert.Single(s.Schedule(T0.AddSeconds(1))).Lease!;
        Assert.Equal(1, again.Slot);
        Assert.Equal(["b"], again.GpuDeviceIds);
    }

    [Fact]
    public void A_new_campaign_shares_the_fleet_from_its_arrival_instead_of_taking_it_over()
    {
        var s = new FairShareScheduler(2, []);
        var owner = new Dictionary<long, string>();
        var running = new List<(Guid Lease, DateTimeOffset Ends, string Campaign)>();
        void Ask(string campaign, DateTimeOffset at) => owner[s.Enqueue(Cpu(campaign: campaign), at)] = campaign;
        Ask("old", T0);
        Ask("old", T0);
        var now = T0;
        var newGrants = 0;
        var oldGrantsAfterArrival = 0;
        while (now < T0.AddHours(2))
        {
            if (now >= T0.AddHours(1) && !owner.ContainsValue("new")) { Ask("new", now); Ask("new", now); }
            foreach (var d in s.Schedule(now))
            {
                var campaign = owner[d.RequestId];
                if (campaign == "new") newGrants++;
                else if (now >= T0.AddHours(1)) oldGrantsAfterArrival++;
                running.Add((d.Lease!.LeaseId, now.AddSeconds(10), campaign));
            }
            var next = running.MinBy(r => r.Ends);
            running.Remove(next);
            now = next.Ends;
            s.Release(next.Lease, now);
            Ask(next.Campaign, now);
        }
        // In the second hour both are backlogged with equal weights: about 360 grants each, not 720 for the newcomer.
        Assert.InRange(newGrants, 355, 365);
        Assert.InRange(oldGrantsAfterArrival, 355, 365);
    }

    [Fact]
    public void An_agent_keeps_its_standing_when_it_asks_again_within_the_idle_grace_but_not_after_a_long_idle_spell()
    {
        FairShareScheduler Setup(out long mine)
        {
            var s = new FairShareScheduler(1, [], idleGrace: TimeSpan.FromSeconds(30));
            // "busy" runs 100 s while "idle" waits, then "idle" withdraws its request.
            s.Enqueue(Cpu(agent: "busy"), T0);
            var lease = Assert.Single(s.Schedule(T0)).Lease!;
            mine = s.Enqueue(Cpu(agent: "idle"), T0);
            s.Enqueue(Cpu(agent: "busy"), T0.AddSeconds(1));
            s.Release(lease.LeaseId, T0.AddSeconds(100));
            Assert.True(s.Cancel(mine, T0.AddSeconds(100)));
            return s;
        }

        // Asking again 5 s later: it has used nothing and "busy" 100 s, so it still comes first.
        var soon = Setup(out _);
        var again = soon.Enqueue(Cpu(agent: "idle"), T0.AddSeconds(105));
        Assert.Equal(again, soon.WaitingInOrder(T0.AddSeconds(105))[0]);

        // Asking again after 10 idle minutes: it comes back at the usage of the active agent (100 s) and no longer jumps the queue.
        var late = Setup(out _);
        var afterIdle = late.Enqueue(Cpu(agent: "idle"), T0.AddMinutes(10));
        Assert.Equal(afterIdle, late.WaitingInOrder(T0.AddMinutes(10))[1]);
    }

    [Fact]
    public void Constructor_rejects_no_slots_duplicate_or_empty_gpu_ids_and_a_negative_grace()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new FairShareScheduler(0, []));
        Assert.Throws<ArgumentException>(() => new FairShareScheduler(1, ["0", "0"]));
        Assert.Throws<ArgumentException>(() => new FairShareScheduler(1, [""]));
        Assert.Throws<ArgumentOutOfRangeException>(() => new FairShareScheduler(1, [], TimeSpan.FromSeconds(-1)));
        Assert.Equal(FairShareScheduler.DefaultIdleGrace, new FairShareScheduler(1, []).IdleGrace);
    }
}
