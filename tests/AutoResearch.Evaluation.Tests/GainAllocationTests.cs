using AutoResearch.Abstractions.Specs;

namespace AutoResearch.Evaluation.Tests;

public sealed class GainAllocationTests
{
    private static AllocationArm Arm(string id, int turns, double cpu, double gain) => new(id, turns, new ResourceUse { CpuSeconds = cpu }, gain);

    [Fact]
    public void Without_any_gain_the_shares_stay_near_fair()
    {
        var shares = GainAllocation.Shares([Arm("a", 5, 50, 0), Arm("b", 5, 50, 0)]);
        Assert.Equal(0.5, shares["a"], 9);
        Assert.Equal(0.5, shares["b"], 9);
        Assert.Equal(1, shares.Values.Sum(), 9);
    }

    [Fact]
    public void The_agent_with_the_better_gain_per_cost_gets_the_larger_share_and_the_other_keeps_its_floor()
    {
        var shares = GainAllocation.Shares([Arm("good", 6, 60, 10), Arm("idle", 4, 40, 0), Arm("meh", 5, 100, 1)]);
        Assert.True(shares["good"] > shares["meh"], $"good {shares["good"]} vs meh {shares["meh"]}");
        Assert.True(shares["meh"] > shares["idle"] || shares["idle"] >= GainAllocation.FloorOfFairShare / 3);
        Assert.All(shares.Values, s => Assert.True(s >= GainAllocation.FloorOfFairShare / 3 - 1e-12));
        Assert.Equal(1, shares.Values.Sum(), 9);
    }

    [Fact]
    public void Cheaper_gain_wins_over_the_same_gain_bought_dearer()
    {
        var shares = GainAllocation.Shares([Arm("cheap", 5, 10, 5), Arm("dear", 5, 90, 5)]);
        Assert.True(shares["cheap"] > shares["dear"]);
    }

    [Fact]
    public void Shares_are_deterministic_given_the_history()
    {
        AllocationArm[] arms = [Arm("a", 7, 70, 3), Arm("b", 3, 30, 0.5)];
        Assert.Equal(GainAllocation.Shares(arms), GainAllocation.Shares(arms.ToArray()));
    }

    [Fact]
    public void An_agent_over_its_share_waits_only_while_an_active_agent_is_under_its_own()
    {
        AllocationArm[] arms = [Arm("good", 5, 50, 10), Arm("idle", 5, 50, 0)];
        var both = new HashSet<string> { "good", "idle" };
        Assert.True(GainAllocation.Admits("good", arms, both));
        Assert.False(GainAllocation.Admits("idle", arms, both));
        // The productive agent is not asking (done or gone): the slot does not wait for it.
        Assert.True(GainAllocation.Admits("idle", arms, new HashSet<string> { "idle" }));
    }

    [Fact]
    public void Never_starved_an_agent_without_gain_keeps_getting_turns_in_a_simulated_night()
    {
        var turns = new Dictionary<string, int> { ["good"] = 0, ["idle"] = 0 };
        var gain = 0.0;
        var active = new HashSet<string> { "good", "idle" };
        for (var t = 0; t < 100; t++)
        {
            // Both ask each round; the first admitted takes the turn (ask order alternates).
            var order = t % 2 == 0 ? new[] { "good", "idle" } : ["idle", "good"];
            var arms = new[] { Arm("good", turns["good"], turns["good"] * 10, gain), Arm("idle", turns["idle"], turns["idle"] * 10, 0) };
            var who = order.First(a => GainAllocation.Admits(a, arms, active));
            turns[who]++;
            if (who == "good") gain += 1;
        }
        Assert.True(turns["good"] > 60, $"good had {turns["good"]} of 100 turns");
        var floor = 100 * GainAllocation.FloorOfFairShare / 2;
        Assert.True(turns["idle"] >= floor - 1, $"idle had {turns["idle"]} of 100 turns (floor {floor})");
    }
}
