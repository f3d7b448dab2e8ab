using AutoResearch.Abstractions.Grains;

namespace AutoResearch.Scheduling.Tests;

/// <summary>
/// Discrete-event simulations over many random schedules: random arrivals, run lengths, weights, GPU needs, campaign caps,
/// deadlines and cancellations, with every invariant checked after every event.
/// </summary>
public sealed class FairShareSchedulerPropertyTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 23, 22, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Random_schedules_never_double_book_a_gpu_never_exceed_slots_or_caps_and_respect_deadlines()
    {
        for (var seed = 0; seed < 600; seed++)
        {
            var rng = new Random(seed);
            var slots = rng.Next(1, 7);
            var gpus = Enumerable.Range(0, rng.Next(0, 5)).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToList();
            var scheduler = new FairShareScheduler(slots, gpus);
            var now = T0;
            var waiting = new Dictionary<long, SlotRequest>();
            var running = new List<(Guid Lease, DateTimeOffset Ends, SlotRequest Request)>();
            var campaigns = Enumerable.Range(0, rng.Next(1, 4)).Select(c => (Id: $"c{c}", Weight: 0.5 + rng.NextDouble() * 2, Cap: rng.Next(0, slots + 1),
                Deadline: rng.Next(4) == 0 ? T0.AddSeconds(rng.Next(20, 200)) : (DateTimeOffset?)null)).ToList();

            for (var step = 0; step < 300; step++)
            {
                var action = rng.Next(10);
                if (action < 5)
                {
                    var c = campaigns[rng.Next(campaigns.Count)];
                    var request = new SlotRequest
                    {
                        CampaignId = c.Id,
                        AgentId = $"a{rng.Next(3)}",
                        CampaignWeight = c.Weight,
                        AgentWeight = 0.5 + rng.NextDouble(),
                        MaxSlotsForCampaign = c.Cap,
                        Gpus = rng.Next(4) == 0 ? rng.Next(0, gpus.Count + 2) : 0,
                        MaxDuration = TimeSpan.FromSeconds(rng.Next(1, 30)),
                        MustFinishBy = c.Deadline,
                    };
                    waiting[scheduler.Enqueue(request, now)] = request;
                }
                else if (action < 8 && running.Count > 0)
                {
                    var i = rng.Next(running.Count);
                    now = now > running[i].Ends ? now : running[i].Ends;
                    Assert.True(scheduler.Release(running[i].Lease, now), $"seed {seed}: release of a granted lease failed");
                    running.RemoveAt(i);
                }
                else if (action == 8 && waiting.Count > 0)
                {
                    var id = waiting.Keys.ElementAt(rng.Next(waiting.Count));
                    Assert.True(scheduler.Cancel(id), $"seed {seed}: cancel of a waiting request failed");
                    waiting.Remove(id);
                }
                else
                {
                    now = now.AddSeconds(rng.Next(1, 10));
                }

                foreach (var d in scheduler.Schedule(now))
                {
                    Assert.True(waiting.Remove(d.RequestId, out var request), $"seed {seed}: decision for a request that was not waiting");
                    if (d.Lease is { } lease)
                    {
                        Assert.Equal(request.Gpus, lease.GpuDeviceIds.Count);
                        if (request.MustFinishBy is { } deadline)
                            Assert.True(now + request.MaxDuration <= deadline, $"seed {seed}: granted at {now:O} a run of {request.MaxDuration} past deadline {deadline:O}");
                        running.Add((lease.LeaseId, now + TimeSpan.FromSeconds(rng.Next(1, (int)request.MaxDuration.TotalSeconds + 1)), request));
                    }
                    else
                    {
                        Assert.False(string.IsNullOrWhiteSpace(d.Refusal));
                        Assert.True(request.Gpus > gpus.Count || (request.MustFinishBy is { } dl && now + request.MaxDuration > dl),
                            $"seed {seed}: refused a servable request: {d.Refusal}");
                    }
                }

                var leases = scheduler.Leases.ToList();
                Assert.True(leases.Count <= slots, $"seed {seed}: {leases.Count} leases on {slots} slots");
                Assert.Equal(leases.Count, leases.Select(l => l.Slot).Distinct().Count());
                var held = leases.SelectMany(l => l.GpuDeviceIds).ToList();
                Assert.True(held.Count == held.Distinct().Count(), $"seed {seed}: a GPU is in two leases: {string.Join(",", held)}");
                Assert.All(held, g => Assert.Contains(g, gpus));
                foreach (var c in campaigns.Where(c => c.Cap > 0))
                    Assert.True(leases.Count(l => l.CampaignId == c.Id) <= c.Cap, $"seed {seed}: campaign {c.Id} above its cap {c.Cap}");

                // Work-conserving: no free slot while a waiting request fits (cap, GPUs), unless a GPU request ahead holds the devices back.
                if (leases.Count < slots)
                {
                    var freeGpus = gpus.Count - held.Count;
                    foreach (var (_, r) in waiting)
                    {
                        var capOk = r.MaxSlotsForCampaign == 0 || leases.Count(l => l.CampaignId == r.CampaignId) < r.MaxSlotsForCampaign;
                        if (capOk && r.Gpus == 0)
                            Assert.Fail($"seed {seed}: slot free while CPU request of {r.CampaignId}/{r.AgentId} waits");
                        if (capOk && r.Gpus > 0 && r.Gpus <= freeGpus && !waiting.Values.Any(o => o.Gpus > freeGpus))
                            Assert.Fail($"seed {seed}: slot and {freeGpus} GPUs free while a request for {r.Gpus} waits");
                    }
                }
            }
        }
    }

    [Fact]
    public void Backlogged_agents_share_slots_in_proportion_to_their_weights_within_and_across_campaigns()
    {
        for (var seed = 0; seed < 40; seed++)
        {
            var rng = new Random(1000 + seed);
            var slots = rng.Next(2, 9);
            var agents = new List<(string Campaign, string Agent, double CampaignWeight, double AgentWeight)>();
            var campaignCount = rng.Next(1, 4);
            for (var c = 0; c < campaignCount; c++)
            {
                var cw = rng.Next(1, 4);
                for (var a = 0; a < rng.Next(1, 4); a++) agents.Add(($"c{c}", $"a{a}", cw, rng.Next(1, 4)));
            }
            var seconds = Simulate(slots, agents, TimeSpan.FromHours(2), runSeconds: _ => 10, rng);

            var campaignWeights = agents.GroupBy(a => a.Campaign).ToDictionary(g => g.Key, g => g.First().CampaignWeight);
            var total = seconds.Values.Sum();
            foreach (var (campaign, weight) in campaignWeights)
            {
                var expected = weight / campaignWeights.Values.Sum();
                var actual = seconds.Where(s => s.Key.StartsWith(campaign + "/", StringComparison.Ordinal)).Sum(s => s.Value) / total;
                // Shares are quantized to whole slots: allow one slot's worth of error.
                Assert.True(Math.Abs(actual - expected) <= 1.0 / slots + 0.02, $"seed {seed}: campaign {campaign} got {actual:P1}, weight share {expected:P1}, {slots} slots");
            }
            foreach (var group in agents.GroupBy(a => a.Campaign))
            {
                var campaignTotal = group.Sum(a => seconds[$"{a.Campaign}/{a.Agent}"]);
                var agentSum = group.Sum(a => a.AgentWeight);
                var campaignSlots = slots * campaignWeights[group.Key] / campaignWeights.Values.Sum();
                foreach (var a in group)
                {
                    var actual = seconds[$"{a.Campaign}/{a.Agent}"] / campaignTotal;
                    Assert.True(Math.Abs(actual - a.AgentWeight / agentSum) <= 1.0 / Math.Max(1, Math.Floor(campaignSlots)) + 0.02,
                        $"seed {seed}: {a.Campaign}/{a.Agent} got {actual:P1} of its campaign, weight share {a.AgentWeight / agentSum:P1}");
                }
            }
        }
    }

    [Fact]
    public void No_backlogged_agent_starves_even_with_tiny_weights_and_mixed_run_lengths()
    {
        for (var seed = 0; seed < 60; seed++)
        {
            var rng = new Random(5000 + seed);
            var agents = Enumerable.Range(0, rng.Next(2, 8))
                .Select(i => ("c0", $"a{i}", 1.0, i == 0 ? 0.25 : rng.Next(1, 10) * 1.0)).ToList();
            var slots = rng.Next(1, 4);
            var longestWait = new Dictionary<string, TimeSpan>();
            var seconds = Simulate(slots, agents, TimeSpan.FromHours(3), runSeconds: r => r.Next(1, 60), rng,
                (key, w) => longestWait[key] = w > longestWait.GetValueOrDefault(key) ? w : longestWait.GetValueOrDefault(key), requestsPerAgent: 1);
            var totalWeight = agents.Sum(a => a.Item4);
            foreach (var a in agents)
            {
                var key = $"{a.Item1}/{a.Item2}";
                Assert.True(seconds[key] > 0, $"seed {seed}: {a.Item2} (weight {a.Item4}) never ran");
                // Bound: while it waits, the others can only run until their slot-seconds per weight pass its own; with runs of at
                // most 60 s that is at most 60 s × (Σw / w) / slots of their running plus the run in progress, twice for safety.
                var bound = TimeSpan.FromSeconds(2 * (60 * (totalWeight / a.Item4) / slots + 60));
                Assert.True(longestWait[key] <= bound, $"seed {seed}: {key} (weight {a.Item4}) waited {longestWait[key]}, bound {bound}");
            }
        }
    }

    /// <summary>Every agent always has as many requests outstanding as there are slots (or <paramref name="requestsPerAgent"/>); returns slot-seconds per agent after <paramref name="length"/>.</summary>
    private static Dictionary<string, double> Simulate(int slots, List<(string Campaign, string Agent, double CampaignWeight, double AgentWeight)> agents,
        TimeSpan length, Func<Random, int> runSeconds, Random rng, Action<string, TimeSpan>? onWait = null, int? requestsPerAgent = null)
    {
        var scheduler = new FairShareScheduler(slots, []);
        var now = T0;
        var waitingSince = new Dictionary<long, DateTimeOffset>();
        var owner = new Dictionary<long, string>();
        var running = new List<(Guid Lease, DateTimeOffset Ends, string Key)>();
        var seconds = agents.ToDictionary(a => $"{a.Campaign}/{a.Agent}", _ => 0.0);
        void Request((string Campaign, string Agent, double CampaignWeight, double AgentWeight) a)
        {
            var id = scheduler.Enqueue(new SlotRequest { CampaignId = a.Campaign, AgentId = a.Agent, CampaignWeight = a.CampaignWeight, AgentWeight = a.AgentWeight }, now);
            waitingSince[id] = now;
            owner[id] = $"{a.Campaign}/{a.Agent}";
        }
        foreach (var a in agents)
            for (var i = 0; i < (requestsPerAgent ?? slots); i++) Request(a);
        while (now < T0 + length)
        {
            foreach (var d in scheduler.Schedule(now))
            {
                onWait?.Invoke(owner[d.RequestId], now - waitingSince[d.RequestId]);
                running.Add((d.Lease!.LeaseId, now.AddSeconds(runSeconds(rng)), owner[d.RequestId]));
            }
            var next = running.MinBy(r => r.Ends);
            now = next.Ends;
            scheduler.Release(next.Lease, now);
            running.Remove(next);
            Request(agents.Single(a => $"{a.Campaign}/{a.Agent}" == next.Key));
        }
        foreach (var (key, value) in scheduler.AgentSlotSeconds(now)) seconds[key] = value;
        return seconds;
    }
}
