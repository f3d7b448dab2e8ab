using AutoResearch.Abstractions.Experiments;
using AutoResearch.Abstractions.Grains;
using AutoResearch.Abstractions.Journal;
using AutoResearch.Abstractions.Ports;
using AutoResearch.Abstractions.Specs;
using AutoResearch.Scheduling;
using Microsoft.Extensions.Logging;

namespace AutoResearch.Grains.Agents;

/// <summary>
/// One agent's state while it runs, outside Orleans: its status, budget account, experiments in flight, proposer and why it
/// stops, with the ports its pipeline works through. The grain keeps one per activation; the pipeline classes share it.
/// </summary>
public sealed class AgentSession(IAgentHost host, IProposerFactory proposers, ILedger ledger, IJournal journal, ISandboxRunner sandbox,
    AgentOptions options, TimeProvider clock, ILogger logger)
{
    /// <summary>Added to a run's time limit in its worst-case budget estimate: killing and reaping a container takes a moment.</summary>
    public static readonly TimeSpan KillGrace = TimeSpan.FromSeconds(5);

    public IAgentHost Host => host;
    public IProposerFactory Proposers => proposers;
    public ILedger Ledger => ledger;
    public ISandboxRunner Sandbox => sandbox;
    public AgentOptions Options => options;
    public TimeProvider Clock => clock;
    public ILogger Logger => logger;

    public AgentAssignment Assignment => host.Assignment;
    public AgentSpec Spec => Assignment.Agent;
    public string CampaignId => Assignment.CampaignId;

    /// <summary>The status as last set; null before the agent did anything in this activation.</summary>
    public AgentStatus? Status { get; set; }
    public IProposer? Proposer { get; set; }
    public BudgetAccount? Budget { get; set; }
    /// <summary>Why the loop ends (set once by whoever sees it first); null while it goes on.</summary>
    public (AgentStopReason Reason, string? Detail)? Stop { get; set; }
    /// <summary>The host the agent is moving to (<see cref="AgentStopReason.Moving"/>): its workers start nothing new here; null when it stays.</summary>
    public string? MovingTo => Stop is { Reason: AgentStopReason.Moving, Detail: var host } ? host : null;
    public bool BudgetNoticeWritten { get; set; }
    public bool LoopRunning { get; set; }
    public int InFlight { get; set; }
    public int Proposals { get; set; }
    public int? MaxRejections { get; set; }
    /// <summary>People's stops of this agent's experiments (running or not started yet).</summary>
    public RunStops RunStops { get; } = new();

    /// <summary>People's approvals and rejections of this agent's experiments awaiting approval.</summary>
    public Approvals Approvals { get; } = new();
    /// <summary>Wakes the workers waiting for a resume, a budget or a ticket.</summary>
    public WakeUp WakeUp { get; } = new();

    /// <summary>How long a paused worker waits, when nobody wakes it, before it looks again (only a grain call resumes it).</summary>
    public static readonly TimeSpan PausedFallback = TimeSpan.FromSeconds(30);

    /// <summary>How long a worker waits for a ticket or budget, when nobody wakes it, before it asks again.</summary>
    public static readonly TimeSpan RetryFallback = TimeSpan.FromSeconds(1);

    /// <summary>The worst case of one experiment: the run's CPU/GPU time to its limit, and the proposer's most tokens (model agents).</summary>
    public ResourceUse WorstCase => ResourceUse.WorstCaseRun(Assignment.Benchmark, KillGrace) with { Tokens = Proposer?.MaxTokensPerExperiment ?? 0 };

    public AgentStatus Current => Status ?? AgentStatus.Initial(Spec);

    public AgentState StateNow() =>
        host.StopRequested ? (InFlight > 0 ? AgentState.Running : AgentState.Stopped)
        : host.Paused ? AgentState.Paused
        : LoopRunning ? AgentState.Running
        : Current.State;

    /// <summary>
    /// The agent moves to <paramref name="host"/>: its workers take no new ticket, experiments running here finish, those not
    /// started yet stay queued for its next activation, and the loop ends with <see cref="AgentStopReason.Moving"/>. False
    /// when the loop already ends for another reason.
    /// </summary>
    public bool MoveTo(string host)
    {
        if (Stop is not null) return false;
        Stop = (AgentStopReason.Moving, host);
        SetActivity(InFlight > 0 ? $"{InFlight} in flight finish or go along" : "leaving");
        WakeUp.Pulse(); // workers waiting for a ticket, a budget or a resume end now
        return true;
    }

    /// <param name="sequence">The experiment the line is about, so views can tell when the ledger has it finished.</param>
    public void SetActivity(string activity, int? sequence = null) =>
        Status = Current with
        {
            Activity = MovingTo is { } host ? $"{AgentStops.Activity(AgentStopReason.Moving, host)}; {activity}" : activity,
            ActivitySequence = sequence,
            State = StateNow(),
            InFlight = InFlight,
            Reserved = Budget?.Reserved ?? ResourceUse.Zero,
        };

    /// <summary>
    /// The status the loop ends with (its workers have all returned): why it stopped, nothing in flight, and what the budget
    /// account still holds, which is nothing once each worker settled or cancelled its reservation. Not the last line a worker
    /// set: a worker refused its ticket set "asking for a ticket" with that ticket's worst case reserved, then cancelled it.
    /// </summary>
    public AgentStatus End(AgentState final)
    {
        var (reason, detail) = Stop ?? (AgentStopReason.Stopped, null);
        return Status = Current with
        {
            State = final,
            Activity = AgentStops.Activity(reason, detail),
            ActivitySequence = null,
            StopReason = reason,
            StopDetail = detail,
            InFlight = 0,
            Reserved = Budget?.Reserved ?? ResourceUse.Zero,
        };
    }

    /// <summary>The status with the proposer's current token reservation per experiment and its arithmetic (model agents).</summary>
    public AgentStatus WithTokenPlan(AgentStatus status) => Proposer is { MaxTokensPerExperiment: > 0 } p
        ? status with { TokensPerExperiment = p.MaxTokensPerExperiment, TokenPlan = p.DescribeTokenPlan() }
        : status;

    /// <summary>This agent's allowance of rejected proposals (<see cref="ModelTurnPolicy.AllowanceFor"/>: twice its fair share by default).</summary>
    public async Task<int> RejectionAllowanceAsync()
    {
        if (MaxRejections is { } known) return known;
        var campaign = await host.ReadCampaignAsync();
        MaxRejections = ModelTurnPolicy.From(Spec.Settings).AllowanceFor(campaign.MaxExperiments, Spec.Weight, campaign.Agents.Sum(a => a.Weight));
        Status = Current with { MaxRejections = MaxRejections.Value };
        return MaxRejections.Value;
    }

    public async Task WriteJournalAsync(JournalEntryKind kind, string text, string? experimentId) =>
        await journal.AppendAsync(new JournalEntry
        {
            CampaignId = CampaignId,
            Author = Spec.Id,
            Kind = kind,
            Text = text,
            ExperimentId = experimentId,
            At = clock.GetUtcNow(),
        });
}
