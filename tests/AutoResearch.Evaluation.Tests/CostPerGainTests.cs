using AutoResearch.Abstractions.Experiments;
using AutoResearch.Abstractions.Specs;

namespace AutoResearch.Evaluation.Tests;

public sealed class CostPerGainTests
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 4, 20, 0, 0, TimeSpan.Zero);

    private static ExperimentRecord Run(int seq, string agent, double? objective, double cpu = 10, long tokens = 0,
        ExperimentKind kind = ExperimentKind.Proposal, FailureKind failure = FailureKind.None) => new()
    {
        Id = $"c/{seq:D4}",
        CampaignId = "c",
        AgentId = agent,
        Sequence = seq,
        ProposerName = "x",
        Parameters = [],
        Kind = kind,
        IsBaseline = kind == ExperimentKind.Baseline,
        Status = objective is null ? ExperimentStatus.Failed : ExperimentStatus.Succeeded,
        Failure = failure,
        Objective = objective,
        CpuSeconds = cpu,
        Tokens = tokens,
        QueuedAt = T0.AddMinutes(seq),
    };

    private static LeaderboardEntry Entry(int index, ExperimentRecord e) => new()
    {
        CampaignId = "c",
        Index = index,
        ExperimentId = e.Id,
        Sequence = e.Sequence,
        AgentId = e.AgentId,
        Objective = e.Objective!.Value,
        AcceptedAt = T0.AddMinutes(e.Sequence),
    };

    private static ModelCallRecord Call(string experiment, string endpoint, string outcome, long prompt, long completion, int minute, string purpose = "propose") => new()
    {
        Id = Guid.NewGuid().ToString("N"),
        CampaignId = "c",
        AgentId = "llm",
        ExperimentId = experiment,
        Provider = endpoint,
        Model = "m",
        Purpose = purpose,
        PromptTokens = prompt,
        CompletionTokens = completion,
        Outcome = outcome,
        At = T0.AddMinutes(minute),
    };

    [Fact]
    public void Gains_are_credited_to_the_agent_whose_experiment_became_the_new_best_in_percent_of_the_baseline()
    {
        // Minimize; baseline 100 → 90 (gp) → 85 (llm) → 80 (gp): gp 15 % for 40 CPU-s, llm 5 %, random nothing.
        ExperimentRecord b = Run(0, "gp", 100, kind: ExperimentKind.Baseline), g1 = Run(1, "gp", 90), l1 = Run(2, "llm", 85, tokens: 3000),
            r1 = Run(3, "random", 120), g2 = Run(4, "gp", 80), r2 = Run(5, "random", 130);
        var experiments = new[] { b, g1, l1, r1, g2, r2 };
        var board = new[] { Entry(0, b), Entry(1, g1), Entry(2, l1), Entry(3, g2) };

        var report = CostPerGain.From(["gp", "llm", "random"], experiments, board, [], Direction.Minimize);

        Assert.True(report.Relative);
        var gp = report.Agents.Single(a => a.Name == "gp");
        Assert.Equal(2, gp.Accepted);
        Assert.Equal(15, gp.GainUnits, 9);
        Assert.Equal(30, gp.CpuSeconds); // baseline + two proposals, 10 CPU-s each
        Assert.Equal(2, gp.CpuSecondsPerUnit!.Value, 9);
        var llm = report.Agents.Single(a => a.Name == "llm");
        Assert.Equal(5, llm.GainUnits, 9);
        Assert.Equal(600, llm.TokensPerUnit!.Value, 9);
        var random = report.Agents.Single(a => a.Name == "random");
        Assert.False(random.HasGain);
        Assert.Null(random.CpuSecondsPerUnit);
        Assert.Equal("no gain yet", CostPerGainReport.PerUnit(random));
        Assert.Equal(20, report.Agents.Sum(a => a.GainUnits), 9); // all gains add up to best − baseline
        Assert.Contains("gp bought improvement cheapest", report.Verdict());
        Assert.Contains("No gain yet from random (after 2 experiments, 20 CPU-s)", report.Verdict());
    }

    [Fact]
    public void Maximize_gains_count_upwards_and_a_zero_baseline_keeps_objective_units()
    {
        ExperimentRecord b = Run(0, "a", 0, kind: ExperimentKind.Baseline), a1 = Run(1, "a", 0.25);
        var report = CostPerGain.From(["a"], [b, a1], [Entry(0, b), Entry(1, a1)], [], Direction.Maximize);
        Assert.False(report.Relative);
        Assert.Equal(0.25, report.Agents[0].GainUnits, 12);
        Assert.Equal("1 objective unit", report.Unit);
    }

    [Fact]
    public void Models_are_credited_by_the_endpoint_that_answered_and_their_rejection_rate_comes_from_the_ledger()
    {
        ExperimentRecord b = Run(0, "gp", 100, kind: ExperimentKind.Baseline);
        // #1: primary failed, backup answered and won; #2: primary answered, rejected; #3: primary answered, ran, no gain.
        ExperimentRecord l1 = Run(1, "llm", 90, tokens: 1500), l2 = Run(2, "llm", null, cpu: 0, tokens: 1000, failure: FailureKind.Rejected), l3 = Run(3, "llm", 95, tokens: 1000);
        var calls = new[]
        {
            Call(l1.Id, "primary", "failed", 0, 0, 1), Call(l1.Id, "backup", "ok", 1000, 500, 2),
            Call(l2.Id, "primary", "ok", 800, 200, 3),
            Call(l3.Id, "primary", "ok", 800, 200, 4), Call(l3.Id, "primary", "ok", 300, 100, 5, purpose: "reflect"),
        };
        var report = CostPerGain.From(["gp", "llm"], [b, l1, l2, l3], [Entry(0, b), Entry(1, l1)], calls, Direction.Minimize);

        var backup = report.Models.Single(m => m.Name == "backup (m)");
        Assert.Equal(1, backup.Experiments);
        Assert.Equal(10, backup.GainUnits, 9);
        Assert.Equal(150, backup.TokensPerUnit!.Value, 9);
        var primary = report.Models.Single(m => m.Name == "primary (m)");
        Assert.Equal(2, primary.Experiments);
        Assert.False(primary.HasGain);
        Assert.Equal(2400, primary.Tokens); // every call to it, the reflection included
        var rejections = report.Rejections.Single(r => r.Model == "primary (m)");
        Assert.Equal((2, 1), (rejections.Proposals, rejections.Rejected));
        Assert.Equal(0.5, rejections.Rate, 12);
        Assert.Equal(0, report.Rejections.Single(r => r.Model == "backup (m)").Rate);
    }
}
