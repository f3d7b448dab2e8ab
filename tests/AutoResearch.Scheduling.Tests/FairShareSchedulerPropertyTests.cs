using System.Globalization;
using AutoResearch.Abstractions.Grains;

namespace AutoResearch.Scheduling.Tests;

/// <summary>
/// Discrete-event simulations over many random schedules: random arrivals, run lengths, weights, GPU needs, campaign caps,
/// deadlines, invalid requests, releases and cancellations, with every rule checked after every step against a model the
/// test keeps itself. Each schedule ends with a drain (no more arrivals) in which every request still waiting must be served.
/// </summary>
public sealed class FairShareSchedulerPropertyTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 23, 22, 0, 0, TimeSpan.Zero);

    private sealed record Running(Guid LeaseId, SlotRequest Request, LeaseInfo Info, DateTimeOffset Ends);

    private sealed class Model(int slots, List<string> gpus)
    {
        public int Slots { get; } = slots;
        public List<string> Gpus { get; } = gpus;
        public Dictionary<long, SlotRequest> Waiting { get; } = [];
        public Dictionary<Guid, Running> Running { get; } = [];
        public Dictionary<string, double> CampaignSeconds { get; } = [];
        public Dictionary<string, double> AgentSeconds { get; } = [];
        public int Granted { get; set; }
        public int GpuGranted { get; set; }
        public int Refused { get; set; }
        public int Cancelled { get; set; }
    }

    [Fact]
    public void Random_schedules_keep_every_rule_after_every_step_and_serve_every_request_once_arrivals_stop()
    {
        var totals = (Granted: 0, Refused: 0, Cancelled: 0, GpuGranted: 0);
        for (var seed = 0; seed < 600; seed++)
        {
            var rng = new Random(seed);
            var slots = rng.Next(1, 7);
            var gpus = Enumerable.Range(0, rng.Next(0, 5)).Select(i => i.ToString(CultureInfo.InvariantCulture)).ToList();
            var grace = TimeSpan.FromSeconds(new[] { 0, 5, 30 }[rng.Next(3)]);
            var scheduler = new FairShareScheduler(slots, gpus, grace);
            var model = new Model(slots, gpus);
            var now = T0;
            var campaigns = Enumerable.Range(0, rng.Next(1, 4)).Select(c => (
                Id: $"c{c}",
                Weight: 0.25 + rng.NextDouble() * 3,
                Cap: rng.Next(3) == 0 ? rng.Next(1, slots + 1) : 0,
                Deadline: rng.Next(3) == 0 ? T0.AddSeconds(rng.Next(20, 600)) : (DateTimeOffset?)null,
                Agents: Enumerable.Range(0, rng.Next(1, 4)).Select(a => (Id: $"a{a}", Weight: 0.25 + rng.NextDouble() * 3)).ToList())).ToList();

            for (var step = 0; step < 300; step++)
            {
                var action = rng.Next(20);
                if (action < 9)
                {
                    var c = campaigns[rng.Next(campaigns.Count)];
                    var a = c.Agents[rng.Next(c.Agents.Count)];
                    var request = new SlotRequest
                    {
                        CampaignId = c.Id,
                        AgentId = a.Id,
                        CampaignWeight = c.Weight,
                        AgentWeight = rng.Next(50) == 0 ? 0 : a.Weight,
                        MaxSlotsForCampaign = rng.Next(50) == 0 ? -1 : c.Cap,
                        Gpus = rng.Next(3) == 0 ? rng.Next(1, gpus.Count + 2) : 0,
                        MaxDuration = TimeSpan.FromSeconds(rng.Next(0, 40)),
                        MustFinishBy = c.Deadline,
                    };
                    model.Waiting[scheduler.Enqueue(request, now)] = request;
                }
                else if (action < 14 && model.Running.Count > 0)
                {
                    // Mostly the run that ends first; sometimes any run (the clock jumps to its end).
                    var run = rng.Next(3) == 0 ? model.Running.Values.ElementAt(rng.Next(model.Running.Count)) : model.Running.Values.MinBy(r => r.Ends)!;
                    now = run.Ends > now ? run.Ends : now;
                    Release(scheduler, model, run, now, seed);
                }
                else if (action < 16 && model.Waiting.Count > 0)
                {
                    var id = model.Waiting.Keys.ElementAt(rng.Next(model.Waiting.Count));
                    Assert.True(rng.Next(2) == 0 ? scheduler.Cancel(id) : scheduler.Cancel(id, now), $"seed {seed}: cancel of waiting request {id} failed");
                    model.Waiting.Remove(id);
                    model.Cancelled++;
                }
                else if (action == 16)
                {
                    Assert.False(scheduler.Release(Guid.NewGuid(), now), $"seed {seed}: released an unknown lease");
                    Assert.False(scheduler.Cancel(-1), $"seed {seed}: cancelled an unknown request");
                }
                else
                {
                    now = now.AddSeconds(rng.Next(1, 15));
                }
                Step(scheduler, model, now, rng, seed);
            }

            // Drain: no more arrivals or cancellations; runs end one by one. Whatever is not refused must be granted.
            for (var guard = 0; model.Waiting.Count + model.Running.Count > 0; guard++)
            {
                Assert.True(guard < 10_000, $"seed {seed}: the drain does not end");
                Assert.True(model.Running.Count > 0,
                    $"seed {seed}: {model.Waiting.Count} requests wait with every slot free: {string.Join("; ", model.Waiting.Values)}");
                var run = model.Running.Values.MinBy(r => r.Ends)!;
                now = run.Ends > now ? run.Ends : now;
                Release(scheduler, model, run, now, seed);
                Step(scheduler, model, now, rng, seed);
            }
            totals = (totals.Granted + model.Granted, totals.Refused + model.Refused, totals.Cancelled + model.Cancelled, totals.GpuGranted + model.GpuGranted);
        }
        // The schedules must actually exercise grants, refusals and cancellations.
        Assert.True(totals.Granted > 10_000 && totals.Refused > 1_000 && totals.Cancelled > 1_000 && totals.GpuGranted > 1_000, $"too little variety: {totals}");
    }

    private static void Release(FairShareScheduler scheduler, Model model, Running run, DateTimeOffset now, int seed)
    {
        Assert.True(scheduler.Release(run.LeaseId, now), $"seed {seed}: release of a granted lease failed");
        Assert.False(scheduler.Release(run.LeaseId, now), $"seed {seed}: a lease was released twice");
        model.Running.Remove(run.LeaseId);
        var seconds = (now - run.Info.Since).TotalSeconds;
        model.CampaignSeconds[run.Request.CampaignId] = model.CampaignSeconds.GetValueOrDefault(run.Request.CampaignId) + seconds;
        var agent = FairShareScheduler.AgentKey(run.Request.CampaignId, run.Request.AgentId);
        model.AgentSeconds[agent] = model.AgentSeconds.GetValueOrDefault(agent) + seconds;
    }

    private static string? NeverServable(Model model, SlotRequest r, DateTimeOffset now) =>
        r.Gpus > model.Gpus.Count ? "GPU"
        : r.MaxSlotsForCampaign < 0 ? "slot cap"
        : !(r.AgentWeight > 0) || !(r.CampaignWeight > 0) ? "weight"
        : r.MustFinishBy is { } deadline && now + r.MaxDuration > deadline ? "deadline"
        : null;

    private static bool UnderCap(Model model, SlotRequest r) =>
        r.MaxSlotsForCampaign == 0 || model.Running.Values.Count(x => x.Request.CampaignId == r.CampaignId) < r.MaxSlotsForCampaign;

    private static void Step(FairShareScheduler scheduler, Model model, DateTimeOffset now, Random rng, int seed)
    {
        foreach (var d in scheduler.Schedule(now))
        {
            Assert.True(model.Waiting.Remove(d.RequestId, out var r), $"seed {seed}: a decision for request {d.RequestId}, which was not waiting");
            if (d.Lease is { } lease)
            {
                Assert.Null(d.Refusal);
                Assert.Null(NeverServable(model, r, now));
                Assert.Equal(now, lease.GrantedAt);
                Assert.Equal(r.Gpus, lease.GpuDeviceIds.Distinct().Count());
                Assert.Equal(r.Gpus, lease.GpuDeviceIds.Count);
                if (r.MustFinishBy is { } deadline)
                    Assert.True(lease.GrantedAt + r.MaxDuration <= deadline, $"seed {seed}: granted at {now:O} a run of {r.MaxDuration} past the deadline {deadline:O}");
                Assert.True(UnderCap(model, r), $"seed {seed}: campaign {r.CampaignId} granted beyond its cap {r.MaxSlotsForCampaign}");
                var info = new LeaseInfo { CampaignId = r.CampaignId, AgentId = r.AgentId, Slot = lease.Slot, GpuDeviceIds = lease.GpuDeviceIds, Since = now };
                var actual = TimeSpan.FromSeconds(rng.Next(0, (int)r.MaxDuration.TotalSeconds + 1));
                model.Running[lease.LeaseId] = new Running(lease.LeaseId, r, info, now + actual);
                model.Granted++;
                if (r.Gpus > 0) model.GpuGranted++;
            }
            else
            {
                Assert.False(string.IsNullOrWhiteSpace(d.Refusal), $"seed {seed}: neither lease nor refusal");
                var why = NeverServable(model, r, now);
                Assert.True(why is not null, $"seed {seed}: refused a servable request ({d.Refusal}): {r}");
                Assert.Contains(why, d.Refusal, StringComparison.Ordinal);
                model.Refused++;
            }
        }
        CheckInvariants(scheduler, model, now, seed);
    }

    private static void CheckInvariants(FairShareScheduler scheduler, Model model, DateTimeOffset now, int seed)
    {
        // Refused at once: nothing unservable is left waiting after a schedule.
        foreach (var (id, r) in model.Waiting)
            Assert.True(NeverServable(model, r, now) is null, $"seed {seed}: request {id} waits although it can never be served");
        Assert.Equal(model.Waiting.Count, scheduler.Waiting);
        Assert.Equal(model.Waiting.Keys.Order(), scheduler.WaitingInOrder(now).Order());

        // Slots, GPUs and caps.
        var leases = scheduler.Leases;
        Assert.True(leases.Count <= model.Slots, $"seed {seed}: {leases.Count} leases on {model.Slots} slots");
        Assert.Equal(model.Running.Count, leases.Count);
        Assert.Equal(leases.Count, leases.Select(l => l.Slot).Distinct().Count());
        Assert.All(leases, l => Assert.InRange(l.Slot, 0, model.Slots - 1));
        var held = leases.SelectMany(l => l.GpuDeviceIds).ToList();
        Assert.True(held.Count == held.Distinct().Count(), $"seed {seed}: a GPU is in two leases: {string.Join(",", held)}");
        Assert.All(held, g => Assert.Contains(g, model.Gpus));
        Assert.Equal(model.Gpus.Where(g => !held.Contains(g)), scheduler.FreeGpuDeviceIds);
        foreach (var group in model.Running.Values.GroupBy(x => x.Request.CampaignId))
        {
            var caps = group.Select(x => x.Request.MaxSlotsForCampaign).Where(c => c > 0).ToList();
            if (caps.Count > 0) Assert.True(group.Count() <= caps.Max(), $"seed {seed}: campaign {group.Key} holds {group.Count()} slots, cap {caps.Max()}");
        }

        // Work-conserving: with a slot free, every waiting request under its cap is a GPU request that cannot have its GPUs,
        // or a GPU request held back behind the head GPU request (the first GPU request under its cap in fair-share order).
        if (leases.Count < model.Slots)
        {
            var free = model.Gpus.Count - held.Count;
            var order = scheduler.WaitingInOrder(now);
            var head = order.Select(id => (Id: id, Request: model.Waiting[id])).FirstOrDefault(x => x.Request.Gpus > 0 && UnderCap(model, x.Request));
            foreach (var id in order)
            {
                var r = model.Waiting[id];
                if (!UnderCap(model, r)) continue;
                Assert.True(r.Gpus > 0, $"seed {seed}: a slot is free while CPU request {id} of {r.CampaignId}/{r.AgentId} waits");
                if (r.Gpus <= free)
                    Assert.True(head.Request is { } h && head.Id != id && h.Gpus > free,
                        $"seed {seed}: a slot and {free} GPUs are free while request {id} for {r.Gpus} waits, and no head GPU request holds them back");
            }
        }

        // Accounts: finished leases plus the elapsed part of running ones.
        var campaignSeconds = scheduler.CampaignSlotSeconds(now);
        var agentSeconds = scheduler.AgentSlotSeconds(now);
        var expectedCampaign = new Dictionary<string, double>(model.CampaignSeconds);
        var expectedAgent = new Dictionary<string, double>(model.AgentSeconds);
        foreach (var run in model.Running.Values)
        {
            var elapsed = (now - run.Info.Since).TotalSeconds;
            expectedCampaign[run.Request.CampaignId] = expectedCampaign.GetValueOrDefault(run.Request.CampaignId) + elapsed;
            var agent = FairShareScheduler.AgentKey(run.Request.CampaignId, run.Request.AgentId);
            expectedAgent[agent] = expectedAgent.GetValueOrDefault(agent) + elapsed;
        }
        foreach (var (campaign, seconds) in expectedCampaign)
            Assert.True(Math.Abs(campaignSeconds[campaign] - seconds) < 1e-6, $"seed {seed}: campaign {campaign} has {campaignSeconds[campaign]} slot-seconds, expected {seconds}");
        foreach (var (agent, seconds) in expectedAgent)
            Assert.True(Math.Abs(agentSeconds[agent] - seconds) < 1e-6, $"seed {seed}: agent {agent} has {agentSeconds[agent]} slot-seconds, expected {seconds}");
        Assert.True(Math.Abs(campaignSeconds.Values.Sum() - agentSeconds.Values.Sum()) < 1e-6);

        var status = scheduler.Snapshot(now);
        Assert.Equal((model.Slots, leases.Count, model.Waiting.Count), (status.Slots, status.Busy, status.Waiting));
        Assert.Equal(held.Order(), status.BusyGpuDeviceIds.Order());
        Assert.Equal(leases, status.Leases);
    }
}
