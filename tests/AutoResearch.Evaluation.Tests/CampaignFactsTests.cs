using AutoResearch.Abstractions.Experiments;
using AutoResearch.Abstractions.Grains;
using AutoResearch.Abstractions.Specs;

namespace AutoResearch.Evaluation.Tests;

/// <summary>The one projection of a campaign's facts, and the one rule that reads an agent's (possibly stale) report beside it.</summary>
public sealed class CampaignFactsTests
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 4, 22, 0, 0, TimeSpan.Zero);

    private static readonly CampaignSpec Spec = new()
    {
        Name = "facts",
        MaxExperiments = 20,
        Slots = 2,
        Budget = new BudgetSpec { Tokens = 1000 },
        Benchmark = new BenchmarkSpec
        {
            Name = "b", Directory = "/tmp", Image = "i", Command = ["x"], Files = [],
            Metric = new MetricSpec { Name = "loss", Direction = Direction.Minimize }, TimeLimit = TimeSpan.FromSeconds(30),
        },
        Agents = [new AgentSpec { Id = "a", Role = "r", Proposer = "random", CpuBudgetSeconds = 100 }, new AgentSpec { Id = "b", Role = "r", Proposer = "random" }],
    };

    private static ExperimentRecord Run(int sequence, string agent, ExperimentStatus status, double? objective = null, ExperimentKind kind = ExperimentKind.Proposal, int? of = null) => new()
    {
        Id = $"c/{sequence}", CampaignId = "c", AgentId = agent, Sequence = sequence, ProposerName = "t", Parameters = [], Kind = kind, IsBaseline = kind == ExperimentKind.Baseline,
        RepeatOf = of is { } o ? $"c/{o}" : null, Status = status, Objective = objective, QueuedAt = T0.AddMinutes(sequence),
        EndedAt = status is ExperimentStatus.Queued or ExperimentStatus.Running ? null : T0.AddMinutes(sequence + 1),
    };

    [Fact]
    public void The_limits_in_force_are_the_specs_with_the_applied_limit_changes_in_order_and_every_status_shows_them()
    {
        var deadline = T0.AddHours(9);
        var controls = new[]
        {
            new ControlRequest { Id = 1, CampaignId = "c", Action = ControlAction.SetLimits, Limits = new LimitsChange { MaxExperiments = 40, Slots = 1 }, RequestedAt = T0, AppliedAt = T0, OutcomeKind = ControlOutcomeKind.Applied },
            new ControlRequest { Id = 2, CampaignId = "c", Action = ControlAction.SetLimits, Limits = new LimitsChange { Deadline = deadline, MaxExperiments = 30 }, RequestedAt = T0, AppliedAt = T0, OutcomeKind = ControlOutcomeKind.Applied },
            // Refused and still queued changes are not in force.
            new ControlRequest { Id = 3, CampaignId = "c", Action = ControlAction.SetLimits, Limits = new LimitsChange { Slots = 99 }, RequestedAt = T0, AppliedAt = T0, OutcomeKind = ControlOutcomeKind.Refused },
            new ControlRequest { Id = 4, CampaignId = "c", Action = ControlAction.SetLimits, Limits = new LimitsChange { MaxExperiments = 2 }, RequestedAt = T0 },
        };

        Assert.Equal((30, 1, deadline), CampaignFacts.LimitsInForce(Spec, controls));
        Assert.Equal((20, (int?)null, (DateTimeOffset?)null), CampaignFacts.LimitsInForce(Spec, []));
        var facts = CampaignFacts.Build("c", Spec, CampaignState.Running, [Run(0, "a", ExperimentStatus.Running), Run(1, "b", ExperimentStatus.Running)], controls: controls, slots: 2);
        Assert.Equal((30, 1, 1, 1), (facts.MaxExperiments, facts.Slots, facts.Running, facts.Queued));
        var status = new CampaignStatus { Id = "c", Name = "c", State = CampaignState.Running, MaxExperiments = 20, Slots = 2 }.WithFacts(facts, live: false);
        Assert.Equal((30, 1), (status.MaxExperiments, status.Slots));
    }

    [Fact]
    public void Running_never_exceeds_the_slots_and_queued_is_counted_apart()
    {
        // Three rows say running (one left by a crashed host), two slots: two run, the third waits with the queued one.
        var experiments = new[]
        {
            Run(0, "a", ExperimentStatus.Running), Run(1, "b", ExperimentStatus.Running), Run(2, "a", ExperimentStatus.Running), Run(3, "b", ExperimentStatus.Queued),
        };

        var facts = CampaignFacts.Build("c", Spec, CampaignState.Running, experiments, slots: 2);

        Assert.Equal((2, 2), (facts.Running, facts.Queued));
        Assert.Equal([0, 2], facts.Agent("a")!.Running);
        Assert.Equal([3], facts.Agent("b")!.Queued);
    }

    [Fact]
    public void The_baseline_is_the_mean_of_its_runs_and_the_leaderboard_shows_each_entry_with_its_runs_now()
    {
        var experiments = new[]
        {
            Run(0, "a", ExperimentStatus.Succeeded, 1.0, ExperimentKind.Baseline), Run(1, "b", ExperimentStatus.Succeeded, 1.3, ExperimentKind.Repeat, 0),
            Run(2, "a", ExperimentStatus.Succeeded, 0.8), Run(3, "b", ExperimentStatus.Succeeded, 0.6, ExperimentKind.Repeat, 2),
        };
        LeaderboardEntry Entry(int index, int sequence, string agent, double objective, double? confidence) => new()
        {
            CampaignId = "c", Index = index, ExperimentId = $"c/{sequence}", Sequence = sequence, AgentId = agent, Objective = objective, Confidence = confidence, AcceptedAt = T0,
        };

        var facts = CampaignFacts.Build("c", Spec, CampaignState.Completed, experiments, [Entry(0, 0, "a", 1.0, null), Entry(1, 2, "a", 0.8, 0.9)]);

        Assert.Equal((1.0, 1.15, 2), (facts.Baseline!.First, Math.Round(facts.Baseline.Mean, 9), facts.Baseline.Runs));
        Assert.Equal((0.7, 2, 0.9), (Math.Round(facts.Best!.Value, 9), facts.Best.Runs, facts.Best.Confidence!.Value));
        Assert.Equal([2, 2], facts.Leaderboard.Select(e => e.Runs));
        // Agent b's repeat 0.6 beat every earlier result but is no new best of its own: the leaderboard's one is a's.
        Assert.Equal((1, 0), (facts.Agent("a")!.NewBests, facts.Agent("b")!.NewBests));
        Assert.Equal(["c/2"], facts.NewBestIds);
    }

    [Fact]
    public void Without_a_leaderboard_the_new_bests_are_the_search_results_that_beat_every_earlier_one_and_no_held_out_run()
    {
        // A campaign from before the leaderboard: the running bests of the search, in finish order (a held-out run's objective
        // is another split's and never a new best, however good).
        var experiments = new[]
        {
            Run(0, "a", ExperimentStatus.Succeeded, 1.0, ExperimentKind.Baseline), Run(1, "b", ExperimentStatus.Succeeded, 0.9),
            Run(2, "a", ExperimentStatus.Succeeded, 0.95), Run(3, "b", ExperimentStatus.Succeeded, 0.1, ExperimentKind.Holdout, 1),
            Run(4, "a", ExperimentStatus.Succeeded, 0.7),
        };

        var facts = CampaignFacts.Build("c", Spec, CampaignState.Completed, experiments);

        Assert.Equal(["c/0", "c/1", "c/4"], facts.NewBestIds.Order(StringComparer.Ordinal));
        Assert.Equal((2, 1), (facts.Agent("a")!.NewBests, facts.Agent("b")!.NewBests));
    }

    [Fact]
    public void A_budget_change_is_in_force_as_soon_as_it_is_applied()
    {
        var controls = new[]
        {
            new ControlRequest { Id = 1, CampaignId = "c", AgentId = "a", Action = ControlAction.SetBudget, Budget = new BudgetChange { CpuSeconds = 500 }, RequestedAt = T0, AppliedAt = T0, OutcomeKind = ControlOutcomeKind.Applied },
            new ControlRequest { Id = 2, CampaignId = "c", Action = ControlAction.SetBudget, Budget = new BudgetChange { Tokens = 5000 }, RequestedAt = T0, AppliedAt = T0, OutcomeKind = ControlOutcomeKind.Applied },
            // Refused and still-queued changes are not in force.
            new ControlRequest { Id = 3, CampaignId = "c", Action = ControlAction.SetBudget, Budget = new BudgetChange { Tokens = 9 }, RequestedAt = T0, AppliedAt = T0, OutcomeKind = ControlOutcomeKind.Refused },
            new ControlRequest { Id = 4, CampaignId = "c", AgentId = "a", Action = ControlAction.SetBudget, Budget = new BudgetChange { CpuSeconds = 9 }, RequestedAt = T0 },
        };

        var facts = CampaignFacts.Build("c", Spec, CampaignState.Running, [], controls: controls);
        // The agent's own report still has the campaign file's budget (it catches up at its next report).
        var status = new CampaignStatus { Id = "c", Name = "c", State = CampaignState.Running, Agents = [AgentStatus.Initial(Spec.Agents[0])] }.WithFacts(facts, live: true);

        Assert.Equal((5000, 500.0, true), (facts.Budget.Tokens, facts.Agent("a")!.Budget.CpuSeconds, facts.Agent("a")!.BudgetChanged));
        Assert.Equal((5000, 500.0), (status.Budget.Tokens, status.Agents[0].CpuBudgetSeconds));
        Assert.Equal(2, facts.BudgetChanges.Count);
    }

    [Fact]
    public void An_agents_stale_report_reads_as_what_the_ledger_says_it_does()
    {
        // The agent last reported "running #7" (then #7 finished) and, for agent b, nothing yet (Idle, 0 runs) while #9 is queued.
        var experiments = new[] { Run(7, "a", ExperimentStatus.Succeeded, 1.0), Run(9, "b", ExperimentStatus.Queued) };
        var facts = CampaignFacts.Build("c", Spec, CampaignState.Running, experiments, slots: 2);
        var live = new CampaignStatus
        {
            Id = "c", Name = "c", State = CampaignState.Running,
            Agents =
            [
                AgentStatus.Initial(Spec.Agents[0]) with { State = AgentState.Running, Activity = "running #7: try lr 0.1", ActivitySequence = 7, InFlight = 1 },
                AgentStatus.Initial(Spec.Agents[1]),
            ],
        };

        var status = live.WithFacts(facts, live: true);

        Assert.Equal((AgentState.Running, "between experiments", 0, 1), (status.Agents[0].State, status.Agents[0].Activity, status.Agents[0].InFlight, status.Agents[0].Experiments));
        Assert.Equal((AgentState.Running, "#9 queued, waiting for a sandbox slot", 1), (status.Agents[1].State, status.Agents[1].Activity, status.Agents[1].InFlight));
        // Applying the facts again changes nothing; a paused campaign reads as paused with what is in flight.
        Assert.Equal(status.Agents.Select(a => (a.State, a.Activity)), status.WithFacts(facts, live: true).Agents.Select(a => (a.State, a.Activity)));
        var paused = (live with { State = CampaignState.Paused }).WithFacts(facts, live: true);
        Assert.Equal((AgentState.Paused, "campaign paused; 1 in flight finish or wait"), (paused.Agents[1].State, paused.Agents[1].Activity));
        Assert.Equal(paused.Agents.Select(a => (a.State, a.Activity)), paused.WithFacts(facts, live: true).Agents.Select(a => (a.State, a.Activity)));
    }

    [Fact]
    public void A_live_status_never_shows_more_running_than_slots()
    {
        var live = new CampaignStatus { Id = "c", Name = "c", State = CampaignState.Running, Slots = 2, Launched = 8, Finished = 5 };

        Assert.Equal((2, 1), live.RunningAndQueued);
        Assert.Equal((1, 2), (live with { Running = 1, Queued = 2 }).RunningAndQueued);
    }

    [Fact]
    public void Turns_count_every_granted_ticket_but_held_out_runs()
    {
        var rejected = Run(2, "a", ExperimentStatus.Failed) with { Failure = FailureKind.Rejected };
        var experiments = new[] { Run(0, "a", ExperimentStatus.Succeeded, 1.0, ExperimentKind.Baseline), Run(1, "b", ExperimentStatus.Succeeded, 1.0), rejected, Run(3, "a", ExperimentStatus.Succeeded, 1.0, ExperimentKind.Holdout, 0) };

        var turns = CampaignFacts.Turns(experiments);

        Assert.Equal((2, 1), (turns["a"], turns["b"]));
    }
}
