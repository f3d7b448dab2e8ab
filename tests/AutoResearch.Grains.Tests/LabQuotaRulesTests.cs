using AutoResearch.Abstractions.Experiments;
using AutoResearch.Abstractions.Specs;

namespace AutoResearch.Grains.Tests;

/// <summary>The lab quota's rules on plain values: what is left, refusals at start naming the resource and numbers, exhaustion.</summary>
public sealed class LabQuotaRulesTests
{
    private static readonly BudgetSpec Quota = new() { GpuSeconds = 10 * 3600, CpuSeconds = 100 * 3600, Tokens = 1_000_000 };

    [Fact]
    public void A_campaign_within_what_is_left_may_start_and_one_above_is_refused_naming_the_resource_and_numbers()
    {
        var used = new ResourceUse { GpuSeconds = 4 * 3600, CpuSeconds = 10 * 3600, Tokens = 200_000 };
        Assert.Empty(LabQuotaRules.StartProblems(Quota, used, new BudgetSpec { GpuSeconds = 6 * 3600, CpuSeconds = 90 * 3600, Tokens = 800_000 }));
        // No budget of its own for a limited resource: it may start while some is left (running agents stop at the quota).
        Assert.Empty(LabQuotaRules.StartProblems(Quota, used, BudgetSpec.Unlimited));

        var problems = LabQuotaRules.StartProblems(Quota, used, new BudgetSpec { GpuSeconds = 8 * 3600, Tokens = 900_000 });
        Assert.Equal([QuotaResource.GpuHours, QuotaResource.Tokens], problems.Select(p => p.Resource));
        Assert.Equal("the campaign's GPU-hours budget (8 GPU-hours) exceeds what is left of the lab's quota: 6 GPU-hours of 10 GPU-hours (4 GPU-hours used)", problems[0].Message);
        Assert.Contains("(900,000 tokens) exceeds what is left of the lab's quota: 800,000 tokens of 1,000,000 tokens", problems[1].Message);
    }

    [Fact]
    public void A_used_up_resource_refuses_every_campaign_and_stops_running_agents()
    {
        var used = new ResourceUse { GpuSeconds = 10 * 3600, CpuSeconds = 1, Tokens = 0 };
        var problem = Assert.Single(LabQuotaRules.StartProblems(Quota, used, BudgetSpec.Unlimited));
        Assert.Equal((QuotaResource.GpuHours, "the lab's GPU-hours quota is used up: 10 GPU-hours used of 10 GPU-hours"), (problem.Resource, problem.Message));
        Assert.Equal("the lab's quota is used up: GPU-hours 10 GPU-hours used of 10 GPU-hours", LabQuotaRules.Exhausted(Quota, used));
        Assert.Null(LabQuotaRules.Exhausted(Quota, used with { GpuSeconds = 10 * 3600 - 1 }));
        // No quota: nothing is ever refused or stopped.
        Assert.Null(LabQuotaRules.Exhausted(BudgetSpec.Unlimited, used));
        Assert.Empty(LabQuotaRules.Remaining(BudgetSpec.Unlimited, used));
    }

    [Fact]
    public void A_campaigns_budget_is_its_own_else_the_sum_of_its_agents_when_each_has_one()
    {
        var spec = TestSpecs.Campaign("q", maxExperiments: 10, proposers: ["random", "gp"]);
        Assert.Equal(BudgetSpec.Unlimited, LabQuotaRules.CampaignBudget(spec));
        var agents = spec with { Agents = spec.Agents.Select(a => a with { CpuBudgetSeconds = 600, GpuBudgetSeconds = a.Id == "random-1" ? 60 : 0 }).ToList() };
        Assert.Equal(new BudgetSpec { CpuSeconds = 1200 }, LabQuotaRules.CampaignBudget(agents));
        var own = agents with { Budget = new BudgetSpec { CpuSeconds = 300, Tokens = 5000 } };
        Assert.Equal(new BudgetSpec { CpuSeconds = 300, Tokens = 5000 }, LabQuotaRules.CampaignBudget(own));
    }
}
