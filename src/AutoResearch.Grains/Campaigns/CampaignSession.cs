using System.Globalization;
using AutoResearch.Abstractions.Experiments;
using AutoResearch.Abstractions.Grains;
using AutoResearch.Abstractions.Journal;
using AutoResearch.Abstractions.Ports;
using AutoResearch.Abstractions.Specs;
using AutoResearch.Evaluation;
using AutoResearch.Grains.Agents;
using AutoResearch.Scheduling;
using Microsoft.Extensions.Logging;

namespace AutoResearch.Grains.Campaigns;

/// <summary>
/// One campaign's books while it is active, outside Orleans: experiment numbers and counts, the campaign budget, the
/// noise-aware leaderboard and the held-out queue, rebuilt from the ledger on activation (a killed host loses nothing),
/// and the status built from them. The campaign's other plain classes share it.
/// </summary>
public sealed class CampaignSession(ICampaignHost host, ILedger ledger, IJournal journal, TimeProvider clock, ILogger logger)
{
    private CampaignLeaderboard? _leaderboard;
    private BudgetAccount? _budget;
    private HoldoutRevalidation? _holdout;
    private int _succeeded;
    private int _failed;
    private int _pruned;
    private double? _baseline;
    private long _adviceTokensCharged;

    public ICampaignHost Host => host;
    public ILedger Ledger => ledger;
    public IJournal Journal => journal;
    public TimeProvider Clock => clock;
    public ILogger Logger => logger;
    public string CampaignId => host.CampaignId;
    public CampaignGrainState State => host.State;

    public CampaignSpec Spec => State.Spec ?? throw new InvalidOperationException($"Campaign '{CampaignId}' has not been started.");
    public bool IsLive => State.State is CampaignState.Running or CampaignState.Paused;
    public int Slots => (State.Slots ?? Spec.Slots) is > 0 and var slots ? Math.Min(slots, Math.Max(1, host.FleetSlots)) : Math.Max(1, host.FleetSlots);
    /// <summary>The most experiments in force: the spec's, or a person's change while it runs.</summary>
    public int MaxExperiments => State.MaxExperiments ?? Spec.MaxExperiments;
    public CampaignLeaderboard Board => _leaderboard ??= new CampaignLeaderboard(CampaignId, Spec.Benchmark.Metric, Spec.Noise);
    public BudgetAccount Budget => _budget ??= new BudgetAccount(EffectiveBudget, ResourceUse.Zero);
    public BudgetSpec EffectiveBudget => State.Budget ?? Spec.Budget;
    public HoldoutRevalidation Holdout => _holdout ??= new HoldoutRevalidation(Spec.Benchmark, Spec.Holdout);
    public HoldoutSummary HoldoutSummary { get; set; } = new();
    /// <summary>Under <c>allocation: gain</c>: each agent's share of the next turns (<see cref="GainAllocator"/>).</summary>
    public Dictionary<string, double> AllocationShares { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Finished experiments counted (held-out runs included).</summary>
    public HashSet<string> Counted { get; } = new(StringComparer.Ordinal);
    /// <summary>Proposals rejected before they ran: recorded, charged to the budget, but given back as experiments.</summary>
    public HashSet<string> Rejected { get; } = new(StringComparer.Ordinal);
    public int NextSequence { get; private set; }
    public int Launched { get; set; }

    /// <summary>Sequence numbers handed out before this activation whose experiments were not in the ledger when it rebuilt.</summary>
    public HashSet<int> UnrecordedTickets { get; } = [];
    /// <summary>Stopped: the final report waits until no experiment runs any more.</summary>
    public bool ReportPending { get; set; }
    public int Finished => _succeeded + _failed + _pruned;
    /// <summary>Experiments granted and not reported back yet (held-out runs included).</summary>
    public int Running => Launched + Holdout.Launched - Counted.Count;

    public (string? Reason, bool Retry) WhyNoTicket()
    {
        if (State.Spec is null) return ("campaign not started", false);
        if (State.State == CampaignState.Paused) return ("campaign paused", true);
        if (State.State != CampaignState.Running) return ($"campaign is {State.State.ToString().ToLowerInvariant()}", false);
        // Every experiment is granted but some are not back: a proposal rejected before it runs gives its experiment back.
        if (Launched >= MaxExperiments && Running > 0)
            return ($"all {MaxExperiments} experiments granted; waiting for {Running} to finish", true);
        return (WhyFinished(), false);
    }

    /// <summary>Why the campaign can start no more experiments at all (null while it can).</summary>
    public string? WhyFinished()
    {
        if (Launched >= MaxExperiments) return $"all {MaxExperiments} experiments granted";
        if (Spec.Target is { } target && Board.BestMean is { } best && !Spec.Benchmark.Metric.IsBetter(target, best))
            return $"target {target:G6} reached";
        if (NoTimeForAnotherRun) return "not enough time before the deadline for another run";
        return null;
    }

    public bool NoTimeForAnotherRun => State.Deadline is { } deadline && clock.GetUtcNow() + Spec.Benchmark.TimeLimit > deadline;

    /// <summary>Takes the next experiment number, kept in the grain's state before the ticket carrying it leaves.</summary>
    public async Task<int> TakeSequenceAsync()
    {
        var sequence = NextSequence++;
        State.NextSequence = NextSequence;
        await host.SaveStateAsync();
        return sequence;
    }

    public void Count(ExperimentRecord e)
    {
        if (e.Status == ExperimentStatus.Pruned) _pruned++;
        else if (e.HasUsableObjective) _succeeded++;
        else _failed++;
        if (e.Kind == ExperimentKind.Baseline && e.HasUsableObjective) _baseline ??= e.Objective;
    }

    public ExperimentRecord BaselineStub() => new()
    {
        Id = ExperimentIds.For(CampaignId, 0),
        CampaignId = CampaignId,
        AgentId = "",
        Sequence = 0,
        ProposerName = "baseline",
        Parameters = Spec.Benchmark.Defaults(),
        Kind = ExperimentKind.Baseline,
        IsBaseline = true,
        Status = ExperimentStatus.Queued,
        QueuedAt = clock.GetUtcNow(),
    };

    public async Task SaveCampaignRecordAsync() =>
        await ledger.UpsertCampaignAsync(new CampaignRecord
        {
            Id = CampaignId,
            Name = Spec.Name,
            Spec = Spec,
            State = State.State,
            CreatedAt = State.CreatedAt,
            StartedAt = State.StartedAt,
            EndedAt = State.EndedAt,
            Deadline = State.Deadline,
            Reason = State.Reason,
        });

    public async Task AppendAsync(string text, string? experimentId = null, JournalEntryKind kind = JournalEntryKind.System) =>
        await journal.AppendAsync(new JournalEntry
        {
            CampaignId = CampaignId,
            Author = "system",
            Kind = kind,
            Text = text,
            ExperimentId = experimentId,
            At = clock.GetUtcNow(),
        });

    /// <summary>Charges the report's model-written advice (metered in the ledger) to the campaign's token budget.</summary>
    public async Task ChargeReportAdviceAsync()
    {
        var tokens = ReportAdvice.Tokens(await ledger.GetModelCallsAsync(CampaignId));
        if (tokens <= _adviceTokensCharged) return;
        Budget.Charge(new ResourceUse { Tokens = tokens - _adviceTokensCharged });
        _adviceTokensCharged = tokens;
    }

    /// <summary>The journal's first line of a campaign: what it optimizes, with whom, its limits and how noise is handled.</summary>
    public string StartedLine()
    {
        var spec = Spec;
        var noise = spec.Noise.BaselineRuns > 1
            ? $" The baseline runs {spec.Noise.BaselineRuns} times to measure the noise; a new best must beat the best by {spec.Noise.Sigmas:G3} standard errors" +
              (spec.Noise.ConfirmationRuns > 0 ? $", or hold up over {spec.Noise.ConfirmationRuns} confirmation runs." : ".")
            : " Noise measurement is off: every strictly better result is a new best.";
        return $"Campaign started: {spec.Benchmark.Metric.Direction.ToString().ToLowerInvariant()} {spec.Benchmark.Metric.Name} on {spec.Benchmark.Name} " +
               $"with {spec.Agents.Count} agents, at most {spec.MaxExperiments} experiments, deadline {State.Deadline:u}." + noise;
    }

    /// <summary>
    /// Experiments each agent keeps in flight: the campaign's slots plus one spare, split by agent weight (at least one each),
    /// so a proposal is always ready when a slot frees up and no slot idles while budget remains.
    /// </summary>
    public Dictionary<string, int> Workers()
    {
        var total = Slots + 1;
        var weights = Spec.Agents.ToDictionary(a => a.Id, a => Math.Max(1e-9, a.Weight));
        var sum = weights.Values.Sum();
        var result = weights.ToDictionary(w => w.Key, w => Math.Max(1, (int)Math.Floor(total * w.Value / sum)));
        var order = weights.OrderByDescending(w => w.Value).Select(w => w.Key).ToList();
        for (var i = 0; result.Values.Sum() < total; i++)
            result[order[i % order.Count]]++;
        return result;
    }

    /// <summary>"every agent has finished (budget spent)": one reason when every agent stopped for the same one.</summary>
    public string AgentsDoneReason()
    {
        var reasons = State.Agents.Values.Select(AgentStops.Headline).Where(a => a.Length > 0).Distinct().ToList();
        return reasons.Count == 1 ? $"every agent has finished ({reasons[0]})" : "every agent has finished";
    }

    /// <summary>The campaign's closing journal line.</summary>
    public string ClosingLine(CampaignState final, string reason)
    {
        var best = Board.Best;
        var bestText = best is null ? "no best" : $"best {BudgetText.Format(best.Objective)} over {best.Runs} run(s)";
        return $"Campaign {final.ToString().ToLowerInvariant()}: {reason}. {_succeeded} succeeded, {_failed} failed, {_pruned} stopped early; " +
               (Rejected.Count > 0 ? $"{Rejected.Count} proposals rejected before running (no experiments); " : "") +
               $"baseline {BudgetText.Format(_baseline)}, {bestText}; used {BudgetText.Describe(Budget.Used)}." + HoldoutJournal.FinalLine(HoldoutSummary, Spec.Benchmark.Metric);
    }

    public async Task RebuildFromLedgerAsync(CancellationToken cancellationToken)
    {
        var experiments = await ledger.GetExperimentsAsync(CampaignId, cancellationToken);
        var entries = await ledger.GetLeaderboardAsync(CampaignId, cancellationToken);
        // Numbers handed out with tickets whose experiments are not in the ledger yet are not handed out again.
        NextSequence = Math.Max(experiments.Count == 0 ? 0 : experiments.Max(e => e.Sequence) + 1, State.NextSequence);
        Launched = experiments.Count(e => !e.IsHoldout && !e.IsRejectedProposal());
        // Numbers handed out that have no row yet: a live agent on another silo may still hold one (its row not written when
        // this activation read the ledger); it is counted as launched when its result is reported (a dead agent's never is).
        UnrecordedTickets.Clear();
        var recorded = experiments.Select(e => e.Sequence).ToHashSet();
        for (var n = 0; n < NextSequence; n++)
            if (!recorded.Contains(n)) UnrecordedTickets.Add(n);
        _leaderboard = new CampaignLeaderboard(CampaignId, Spec.Benchmark.Metric, Spec.Noise);
        _leaderboard.Restore(experiments.Where(e => !e.IsHoldout && !e.IsRejectedProposal()).ToList(), entries);
        _holdout = new HoldoutRevalidation(Spec.Benchmark, Spec.Holdout);
        _holdout.Restore(experiments);
        HoldoutSummary = HoldoutSummaries.From(experiments, Spec.Benchmark.Metric);
        var used = ResourceUse.Zero;
        foreach (var e in experiments.Where(e => e.IsFinished))
        {
            used += e.Use;
            if (e.IsRejectedProposal())
            {
                Rejected.Add(e.Id);
                continue;
            }
            Counted.Add(e.Id);
            if (!e.IsHoldout) Count(e);
        }
        _adviceTokensCharged = ReportAdvice.Tokens(await ledger.GetModelCallsAsync(CampaignId, cancellationToken));
        used += new ResourceUse { Tokens = _adviceTokensCharged };
        _budget = new BudgetAccount(EffectiveBudget, used);
        // Interrupted experiments are re-run by their agents without a new ticket: hold their worst case again.
        foreach (var e in experiments.Where(e => !e.IsFinished))
            _budget.TryReserve(e.Sequence.ToString(CultureInfo.InvariantCulture), ResourceUse.WorstCaseRun(Spec.Benchmark, AgentSession.KillGrace), out _);
    }

    public CampaignStatus BuildStatus()
    {
        var spec = State.Spec;
        var best = spec is null ? null : Board.Best;
        return new CampaignStatus
        {
            Id = CampaignId,
            Name = spec?.Name ?? CampaignId,
            State = State.State,
            StartedAt = State.StartedAt,
            EndedAt = State.EndedAt,
            Deadline = State.Deadline,
            MaxExperiments = spec is null ? 0 : MaxExperiments,
            Launched = Launched,
            Finished = Finished,
            Succeeded = _succeeded,
            Failed = _failed,
            Pruned = _pruned,
            Direction = spec?.Benchmark.Metric.Direction ?? Direction.Minimize,
            MetricName = spec?.Benchmark.Metric.Name ?? "",
            Baseline = spec is null ? _baseline : Board.BaselineMean ?? _baseline,
            BaselineRuns = spec is null ? 0 : Board.BaselineRuns,
            Best = spec is null ? null : Board.BestMean,
            BestExperimentId = best?.ExperimentId,
            BestConfidence = best?.Confidence,
            BestRuns = spec is null ? 0 : Board.BestRuns,
            NoiseStdDev = spec is null ? null : Board.NoiseStdDev,
            Noise = spec is null ? new NoiseSummary() : Board.Noise,
            Agents = spec is null ? [] : spec.Agents.Select(a => (State.Agents.GetValueOrDefault(a.Id) ?? AgentStatus.Initial(a)).InCampaign(State.State)).ToList(),
            Reason = State.Reason,
            ReportMarkdown = State.ReportMarkdown,
            ReportHtml = State.ReportHtml,
            Slots = spec is null ? 0 : Slots,
            Budget = spec is null ? new BudgetSpec() : EffectiveBudget,
            Used = spec is null ? ResourceUse.Zero : Budget.Used,
            Reserved = spec is null ? ResourceUse.Zero : Budget.Reserved,
            Holdout = HoldoutSummary,
            HoldoutLaunched = spec is null ? 0 : Holdout.Launched,
            HoldoutFinished = spec is null ? 0 : Holdout.Finished,
            AllocationShares = new Dictionary<string, double>(AllocationShares, StringComparer.Ordinal),
        };
    }
}
