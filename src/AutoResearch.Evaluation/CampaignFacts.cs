using AutoResearch.Abstractions.Experiments;
using AutoResearch.Abstractions.Grains;
using AutoResearch.Abstractions.Specs;

namespace AutoResearch.Evaluation;

/// <summary>
/// The one projection of a campaign's facts that every view reads (status from the ledger, the live status, the CLI summary,
/// the console and the report): the accepted best, the baseline, the leaderboard as it stands now, each agent's counts, model
/// and failover, the budgets in force and what is running or queued. Pure: built from the ledger's rows by <see cref="Build"/>.
/// </summary>
public sealed record CampaignFacts
{
    public required string CampaignId { get; init; }
    public CampaignState State { get; init; }
    public Direction Direction { get; init; }

    /// <summary>The accepted best as it stands now (the mean of its run and every repeat of it); the best single run without a leaderboard.</summary>
    public BestFact? Best { get; init; }

    /// <summary>The baseline: its first run and the mean over it and its noise repeats.</summary>
    public BaselineFact? Baseline { get; init; }

    /// <summary>The accepted bests (baseline first) with each one's current mean, runs and spread (repeats may have followed an acceptance).</summary>
    public IReadOnlyList<LeaderboardEntry> Leaderboard { get; init; } = [];

    /// <summary>
    /// The experiments counted as new bests (each agent's <see cref="AgentFacts.NewBests"/> counts its own): the leaderboard's
    /// accepted entries after the baseline; without a leaderboard, the search's results that beat every earlier-finished one.
    /// </summary>
    public IReadOnlySet<string> NewBestIds { get; init; } = new HashSet<string>(StringComparer.Ordinal);

    public NoiseSummary Noise { get; init; } = new();

    /// <summary>
    /// What the campaign has used: every finished run (held-out runs and rejected proposals included) and the report's
    /// model-written advice, which is charged to the campaign's token budget (as the campaign grain charges it).
    /// </summary>
    public ResourceUse Used { get; init; } = ResourceUse.Zero;

    /// <summary>The campaign-wide budget in force after every applied budget change.</summary>
    public BudgetSpec Budget { get; init; } = new();

    /// <summary>The applied budget changes in order (campaign and agents).</summary>
    public IReadOnlyList<BudgetChangeFact> BudgetChanges { get; init; } = [];

    public IReadOnlyList<AgentFacts> Agents { get; init; } = [];

    /// <summary>Sandbox slots the campaign may use (a person's applied change of them included); <see cref="Running"/> never exceeds it.</summary>
    public int Slots { get; init; }

    /// <summary>The most experiments of the search in force: the spec's, or the last applied change (<see cref="LimitsInForce"/>).</summary>
    public int MaxExperiments { get; init; }

    /// <summary>The search's experiments holding a sandbox slot now, and those granted and waiting for one (counted apart).</summary>
    public int Running { get; init; }
    public int Queued { get; init; }

    /// <summary>Experiments waiting for a person's approval (<c>approval:</c> thresholds; they hold no slot), and since when the oldest waits.</summary>
    public int AwaitingApproval { get; init; }
    public DateTimeOffset? AwaitingApprovalSince { get; init; }

    /// <summary>The search's experiments (held-out runs and proposals rejected before they ran left out).</summary>
    public int Launched { get; init; }
    public int Finished { get; init; }
    public int Succeeded { get; init; }
    public int Failed { get; init; }
    public int Pruned { get; init; }

    /// <summary>Under <c>allocation: gain</c>: each agent's share of the next turns, from the same turns, use and gains the campaign counts.</summary>
    public IReadOnlyDictionary<string, double> AllocationShares { get; init; } = new Dictionary<string, double>();

    public AgentFacts? Agent(string id) => Agents.FirstOrDefault(a => a.Id == id);

    /// <summary>Builds the facts from the ledger's rows of one campaign.</summary>
    /// <param name="spec">The campaign file as it started.</param>
    /// <param name="state">The campaign's state now.</param>
    /// <param name="experiments">All its experiments (held-out runs and rejected proposals included; they are told apart here).</param>
    /// <param name="leaderboard">Its accepted bests; empty for campaigns from before the leaderboard (the best is then the best single run).</param>
    /// <param name="calls">Its metered model calls (answering model and failover).</param>
    /// <param name="controls">Its control requests (applied budget changes).</param>
    /// <param name="slots">Sandbox slots it may use.</param>
    public static CampaignFacts Build(
        string campaignId,
        CampaignSpec spec,
        CampaignState state,
        IReadOnlyList<ExperimentRecord> experiments,
        IReadOnlyList<LeaderboardEntry>? leaderboard = null,
        IReadOnlyList<ModelCallRecord>? calls = null,
        IReadOnlyList<ControlRequest>? controls = null,
        int slots = 0)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(experiments);
        leaderboard ??= [];
        calls ??= [];
        controls ??= [];
        var metric = spec.Benchmark.Metric;
        var ordered = experiments.OrderBy(e => e.Sequence).ToList();
        var search = ordered.Where(e => !e.IsHoldout && !e.IsRejectedProposal()).ToList();
        var usable = search.Where(e => e.HasUsableObjective).ToList();
        var board = leaderboard.OrderBy(e => e.Index).ToList();

        List<double> RunsOf(string id) => usable.Where(e => e.Id == id || e.RepeatOf == id).Select(e => e.Objective!.Value).ToList();

        // The leaderboard as it stands now: an entry was written when it was accepted; repeats of it may have come since.
        var current = board.Select(entry =>
        {
            var runs = RunsOf(entry.ExperimentId);
            return runs.Count == 0 ? entry : entry with { Objective = runs.Average(), Runs = runs.Count, StdDev = AcceptanceJudge.SampleStdDev(runs) };
        }).ToList();

        BestFact? best = null;
        if (current.Count > 0)
        {
            var accepted = current[^1];
            best = new BestFact
            {
                ExperimentId = accepted.ExperimentId,
                Sequence = accepted.Sequence,
                AgentId = accepted.AgentId,
                Value = accepted.Objective,
                Runs = accepted.Runs,
                StdDev = accepted.StdDev,
                Confidence = accepted.Confidence,
                AcceptedBy = accepted.Reason,
                Accepted = true,
            };
        }
        else if (metric.BestOf(usable) is { } single)
        {
            best = new BestFact
            {
                ExperimentId = single.Id,
                Sequence = single.Sequence,
                AgentId = single.AgentId,
                Value = single.Objective!.Value,
                Runs = 1,
            };
        }

        var noise = NoiseSummaries.FromLedger(search, spec.Noise);
        BaselineFact? baseline = null;
        if (usable.FirstOrDefault(e => e.IsBaselineRun) is { } first)
        {
            var runs = RunsOf(first.Id);
            baseline = new BaselineFact
            {
                ExperimentId = first.Id,
                Sequence = first.Sequence,
                First = first.Objective!.Value,
                Mean = runs.Average(),
                Runs = runs.Count,
                StdDev = AcceptanceJudge.SampleStdDev(runs),
                IdenticalRepeats = runs.Count >= 2 && noise.IdenticalRepeats,
            };
        }

        var budgets = BudgetsInForce(spec, controls);
        var limits = LimitsInForce(spec, controls);
        if (limits.Slots is { } setSlots) slots = setSlots;
        // Rows left running by a crashed host are re-run by their agent; more rows than slots cannot hold a slot at once.
        var runningRows = search.Count(e => e.Status == ExperimentStatus.Running);
        var effectiveSlots = slots > 0 ? slots : int.MaxValue;
        var running = Math.Min(runningRows, effectiveSlots);
        var queued = search.Count(e => e.Status == ExperimentStatus.Queued) + (runningRows - running);
        var awaiting = experiments.Where(e => e.Status == ExperimentStatus.AwaitingApproval).ToList();

        var gains = CostPerGain.GainsByAgent(board, metric.Direction);
        // New bests are the leaderboard's accepted entries after the baseline; a campaign from before the leaderboard has
        // none, and its new bests are the results that beat every earlier-finished one.
        var newBestRuns = board.Count > 0
            ? board.Where(e => e.Index > 0).Select(e => (Id: e.ExperimentId, e.AgentId)).ToList()
            : RunningBests(usable, metric).Select(e => (e.Id, e.AgentId)).ToList();
        var newBests = newBestRuns.GroupBy(e => e.AgentId, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        var agents = spec.Agents.Select(a => AgentFactsOf(a, spec, ordered, calls, newBests.GetValueOrDefault(a.Id), budgets)).ToList();
        var shares = new Dictionary<string, double>(StringComparer.Ordinal);
        if (spec.Allocation == AllocationPolicy.Gain && spec.Agents.Count >= 2)
        {
            var arms = agents.Select(a => new AllocationArm(a.Id, a.Turns, a.Used, gains.GetValueOrDefault(a.Id))).ToList();
            foreach (var (id, share) in GainAllocation.Shares(arms)) shares[id] = share;
        }

        var pruned = search.Count(e => e.Status == ExperimentStatus.Pruned);
        var finished = search.Count(e => e.IsFinished);
        return new CampaignFacts
        {
            CampaignId = campaignId,
            State = state,
            Direction = metric.Direction,
            Best = best,
            Baseline = baseline,
            Leaderboard = current,
            NewBestIds = newBestRuns.Select(e => e.Id).ToHashSet(StringComparer.Ordinal),
            Noise = noise,
            Used = experiments.Where(e => e.IsFinished).Aggregate(ResourceUse.Zero, (u, e) => u + e.Use) + new ResourceUse { Tokens = ReportAdvice.Tokens(calls) },
            Budget = budgets.Campaign,
            BudgetChanges = budgets.Changes,
            Agents = agents,
            Slots = slots,
            MaxExperiments = limits.MaxExperiments,
            Running = running,
            Queued = queued,
            AwaitingApproval = awaiting.Count,
            AwaitingApprovalSince = awaiting.Count == 0 ? null : awaiting.Min(e => e.QueuedAt),
            Launched = search.Count,
            Finished = finished,
            Succeeded = usable.Count,
            Failed = finished - usable.Count - pruned,
            Pruned = pruned,
            AllocationShares = shares,
        };
    }

    /// <summary>
    /// Turns an agent had under <c>allocation: gain</c>, as the campaign counts them: every ticket granted to it (the baseline,
    /// repeats and proposals rejected before they ran included; held-out runs left out).
    /// </summary>
    public static IReadOnlyDictionary<string, int> Turns(IEnumerable<ExperimentRecord> experiments) =>
        experiments.Where(e => !e.IsHoldout)
            .GroupBy(e => e.AgentId, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);

    /// <summary>The campaign's and each agent's budget after the applied budget changes, in the order they were applied.</summary>
    /// <summary>
    /// The limits in force after the applied limit changes (<see cref="ControlAction.SetLimits"/>, in order): the most experiments
    /// (the spec's when never changed), the slots a person set (null: the host's share) and the deadline a person set (null: the
    /// campaign's own, which the ledger's campaign row carries).
    /// </summary>
    public static (int MaxExperiments, int? Slots, DateTimeOffset? Deadline) LimitsInForce(CampaignSpec spec, IReadOnlyList<ControlRequest> controls)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(controls);
        var (max, slots, deadline) = (spec.MaxExperiments, (int?)null, (DateTimeOffset?)null);
        foreach (var c in controls.Where(c => c.Action == ControlAction.SetLimits && c.TookEffect && c.Limits is not null).OrderBy(c => c.Id))
        {
            max = c.Limits!.MaxExperiments ?? max;
            slots = c.Limits.Slots ?? slots;
            deadline = c.Limits.Deadline ?? deadline;
        }
        return (max, slots, deadline);
    }

    public static (BudgetSpec Campaign, IReadOnlyDictionary<string, BudgetSpec> Agents, IReadOnlyList<BudgetChangeFact> Changes) BudgetsInForce(
        CampaignSpec spec, IReadOnlyList<ControlRequest> controls)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(controls);
        var campaign = spec.Budget;
        var agents = spec.Agents.ToDictionary(a => a.Id, a => a.Budget, StringComparer.Ordinal);
        var changes = new List<BudgetChangeFact>();
        foreach (var c in controls.Where(c => c.Action == ControlAction.SetBudget && c.TookEffect && c.Budget is { IsEmpty: false }).OrderBy(c => c.Id))
        {
            if (c.AgentId is { } agentId)
            {
                if (!agents.TryGetValue(agentId, out var before)) continue;
                agents[agentId] = before.With(c.Budget);
                changes.Add(new BudgetChangeFact(c.AppliedAt!.Value, agentId, before, agents[agentId], c.RequestedBy, c.Reason));
            }
            else
            {
                var before = campaign;
                campaign = campaign.With(c.Budget);
                changes.Add(new BudgetChangeFact(c.AppliedAt!.Value, null, before, campaign, c.RequestedBy, c.Reason));
            }
        }
        return (campaign, agents, changes);
    }

    private static AgentFacts AgentFactsOf(
        AgentSpec a,
        CampaignSpec spec,
        IReadOnlyList<ExperimentRecord> ordered,
        IReadOnlyList<ModelCallRecord> calls,
        int newBests,
        (BudgetSpec Campaign, IReadOnlyDictionary<string, BudgetSpec> Agents, IReadOnlyList<BudgetChangeFact> Changes) budgets)
    {
        var metric = spec.Benchmark.Metric;
        var all = ordered.Where(e => e.AgentId == a.Id).ToList();
        var rejected = all.Where(e => e.IsRejectedProposal()).ToList();
        var mine = all.Where(e => !e.IsHoldout && !e.IsRejectedProposal()).ToList();
        var finished = mine.Where(e => e.IsFinished).ToList();
        var ok = finished.Where(e => e.HasUsableObjective).ToList();
        var heldOutFinished = all.Where(e => e.IsHoldout && e.IsFinished).ToList();
        var (model, failover) = AnsweringModel.Of(a, calls);
        var lastProposal = finished.Concat(rejected).Where(e => e.Kind == ExperimentKind.Proposal).MaxBy(e => e.Sequence);
        // A model agent whose latest proposal came from its fallback optimizer had no model answering; one whose latest
        // answer came from a failover endpoint says which endpoints failed.
        var problem = lastProposal is { } last && FallbackProposals.IsFallback(last)
            ? FallbackProposals.Problem(last.ProposerName)
            : lastProposal is { } l && (FallbackProposals.IsBackOff(l) || FallbackProposals.IsExhausted(l))
                ? $"{rejected.Count} proposals rejected; {l.ProposerName} proposes"
                : failover;
        var budget = budgets.Agents.TryGetValue(a.Id, out var b) ? b : a.Budget;
        var running = mine.Concat(all.Where(e => e.IsHoldout)).Where(e => e.Status == ExperimentStatus.Running).Select(e => e.Sequence).Order().ToList();
        var queued = mine.Concat(all.Where(e => e.IsHoldout)).Where(e => e.Status == ExperimentStatus.Queued).Select(e => e.Sequence).Order().ToList();
        var awaiting = mine.Concat(all.Where(e => e.IsHoldout)).Where(e => e.Status == ExperimentStatus.AwaitingApproval).Select(e => e.Sequence).Order().ToList();
        return new AgentFacts
        {
            Id = a.Id,
            Model = model ?? a.Model,
            Failover = failover,
            ModelProblem = problem,
            Experiments = finished.Count,
            Succeeded = ok.Count,
            Failed = finished.Count - ok.Count - finished.Count(e => e.Status == ExperimentStatus.Pruned),
            Pruned = finished.Count(e => e.Status == ExperimentStatus.Pruned),
            Rejections = rejected.Count,
            RejectionsUsedUp = lastProposal is not null && FallbackProposals.IsExhausted(lastProposal),
            // Accepted new bests: its leaderboard entries after the baseline (entry 0 is the reference, not a new best).
            NewBests = newBests,
            Best = metric.BestOf(ok)?.Objective,
            Budget = budget,
            BudgetChanged = budget != a.Budget,
            Used = new ResourceUse
            {
                Tokens = finished.Sum(e => e.Tokens) + rejected.Sum(e => e.Tokens),
                CpuSeconds = finished.Sum(e => e.CpuSeconds) + heldOutFinished.Sum(e => e.CpuSeconds),
                GpuSeconds = finished.Sum(e => e.GpuSeconds) + heldOutFinished.Sum(e => e.GpuSeconds),
            },
            Running = running,
            Queued = queued,
            AwaitingApproval = awaiting,
            Turns = all.Count(e => !e.IsHoldout),
        };
    }

    /// <summary>The results that beat every result finished before them (in the order they finished).</summary>
    public static IReadOnlyList<ExperimentRecord> RunningBests(IEnumerable<ExperimentRecord> experiments, MetricSpec metric)
    {
        ArgumentNullException.ThrowIfNull(experiments);
        ArgumentNullException.ThrowIfNull(metric);
        var bests = new List<ExperimentRecord>();
        double? running = null;
        foreach (var e in experiments.Where(e => e.HasUsableObjective).OrderBy(e => e.EndedAt ?? e.StartedAt ?? e.QueuedAt).ThenBy(e => e.Sequence))
        {
            if (running is { } r && !metric.IsBetter(e.Objective!.Value, r)) continue;
            running = e.Objective!.Value;
            bests.Add(e);
        }
        return bests;
    }
}

/// <summary>The accepted best (or, without a leaderboard, the best single run).</summary>
public sealed record BestFact
{
    public required string ExperimentId { get; init; }
    public int Sequence { get; init; }
    public string AgentId { get; init; } = "";

    /// <summary>The mean of its run and every repeat of it.</summary>
    public double Value { get; init; }
    public int Runs { get; init; }
    public double? StdDev { get; init; }

    /// <summary>Confidence (0..1) it beats the best before it; null when none is claimed.</summary>
    public double? Confidence { get; init; }
    public AcceptanceReason? AcceptedBy { get; init; }

    /// <summary>False for the best single run of a campaign without a leaderboard.</summary>
    public bool Accepted { get; init; }
}

/// <summary>The baseline: every parameter at its default, run once plus its noise repeats.</summary>
public sealed record BaselineFact
{
    public required string ExperimentId { get; init; }
    public int Sequence { get; init; }

    /// <summary>Its first run's objective.</summary>
    public double First { get; init; }

    /// <summary>The mean over its runs (the value the best is compared with).</summary>
    public double Mean { get; init; }
    public int Runs { get; init; }
    public double? StdDev { get; init; }

    /// <summary>Its repeats came out identical: no noise could be measured.</summary>
    public bool IdenticalRepeats { get; init; }
}

/// <summary>One agent's facts from the ledger.</summary>
public sealed record AgentFacts
{
    public required string Id { get; init; }

    /// <summary>The model that answered its latest proposal ("endpoint (model)"), else the campaign file's.</summary>
    public string? Model { get; init; }

    /// <summary>The failover that led to <see cref="Model"/>; null while its first endpoint answers.</summary>
    public string? Failover { get; init; }

    /// <summary>The model problem seen last (fallback, back-off, failover); null while its models answer.</summary>
    public string? ModelProblem { get; init; }

    /// <summary>Its finished experiments (rejected proposals and held-out runs left out).</summary>
    public int Experiments { get; init; }
    public int Succeeded { get; init; }
    public int Failed { get; init; }
    public int Pruned { get; init; }
    public int Rejections { get; init; }
    public bool RejectionsUsedUp { get; init; }

    /// <summary>Its accepted new bests (leaderboard entries after the baseline).</summary>
    public int NewBests { get; init; }
    public double? Best { get; init; }

    /// <summary>Its budget in force (after applied changes) and whether it differs from the campaign file's.</summary>
    public BudgetSpec Budget { get; init; } = new();
    public bool BudgetChanged { get; init; }

    /// <summary>What its finished experiments (and rejected proposals) used.</summary>
    public ResourceUse Used { get; init; } = ResourceUse.Zero;

    /// <summary>Sequences of its experiments holding a slot now, and of those waiting for one.</summary>
    public IReadOnlyList<int> Running { get; init; } = [];
    public IReadOnlyList<int> Queued { get; init; } = [];

    /// <summary>Sequences of its experiments waiting for a person's approval (holding no slot).</summary>
    public IReadOnlyList<int> AwaitingApproval { get; init; } = [];

    /// <summary>Tickets it was granted (as the campaign counts turns under <c>allocation: gain</c>).</summary>
    public int Turns { get; init; }

    /// <summary>Its experiments in flight: running or queued.</summary>
    public int InFlight => Running.Count + Queued.Count + AwaitingApproval.Count;

    /// <summary>What the ledger says it is doing, e.g. <c>running #9; #11 queued</c>; null when it has nothing in flight.</summary>
    public string? LedgerActivity =>
        (Running.Count > 0
            ? "running " + string.Join(", ", Running.Select(s => "#" + s)) + (Queued.Count > 0 ? "; " + string.Join(", ", Queued.Select(s => "#" + s)) + " queued" : "")
            : Queued.Count > 0 ? string.Join(", ", Queued.Select(s => "#" + s)) + " queued, waiting for a sandbox slot" : null) is var doing
        && AwaitingApproval.Count > 0
            ? (doing is null ? "" : doing + "; ") + string.Join(", ", AwaitingApproval.Select(s => "#" + s)) + " awaiting approval"
            : doing;
}

/// <summary>An applied budget change: the campaign's (<see cref="AgentId"/> null) or an agent's.</summary>
public sealed record BudgetChangeFact(DateTimeOffset At, string? AgentId, BudgetSpec Before, BudgetSpec After, string RequestedBy, string Reason);
