using AutoResearch.Abstractions.Parameters;
using AutoResearch.Abstractions.Specs;

namespace AutoResearch.Abstractions.Experiments;

/// <summary>One experiment as the ledger holds it.</summary>
[GenerateSerializer, Immutable, Alias("AutoResearch.ExperimentRecord")]
public sealed record ExperimentRecord
{
    /// <summary>Globally unique id (e.g. <c>demo-20261123-0907/explorer-1/0007</c>).</summary>
    [Id(0)] public required string Id { get; init; }
    [Id(1)] public required string CampaignId { get; init; }
    [Id(2)] public required string AgentId { get; init; }

    /// <summary>Per-campaign sequence number, in the order experiments were proposed.</summary>
    [Id(3)] public required int Sequence { get; init; }

    [Id(4)] public required string ProposerName { get; init; }
    /// <summary>Its typed parameter values (Id 5 held them as text before; a new Id keeps old payloads readable).</summary>
    [Id(38)] public required ParameterSet Parameters { get; init; }
    [Id(6)] public string? Diff { get; init; }
    [Id(7)] public string Hypothesis { get; init; } = "";
    [Id(8)] public bool IsBaseline { get; init; }

    [Id(9)] public required ExperimentStatus Status { get; init; }
    [Id(10)] public FailureKind Failure { get; init; }
    [Id(11)] public string? Reason { get; init; }

    [Id(12)] public string? ImageId { get; init; }
    [Id(13)] public string? ContainerId { get; init; }
    [Id(14)] public long? ExitCode { get; init; }

    [Id(15)] public required DateTimeOffset QueuedAt { get; init; }
    [Id(16)] public DateTimeOffset? StartedAt { get; init; }
    [Id(17)] public DateTimeOffset? EndedAt { get; init; }

    [Id(18)] public double? Objective { get; init; }
    [Id(19)] public List<MetricPoint> Metrics { get; init; } = [];
    [Id(20)] public string LogHead { get; init; } = "";
    [Id(21)] public string LogTail { get; init; } = "";

    /// <summary>How many times it was started (more than 1 after a crash of the host re-queued it).</summary>
    [Id(22)] public int Attempt { get; init; }

    [Id(23)] public double CpuSeconds { get; init; }
    [Id(24)] public double GpuSeconds { get; init; }

    /// <summary>Seed passed to the run.</summary>
    [Id(25)] public int Seed { get; init; }

    /// <summary>Replacement file contents when the proposal edited files.</summary>
    [Id(26)] public Dictionary<string, string> EditedFiles { get; init; } = [];

    /// <summary>Why it ran: a proposal, the baseline, or a repeat (new seed) of another experiment.</summary>
    [Id(27)] public ExperimentKind Kind { get; init; }

    /// <summary>For repeats and held-out runs: the id of the experiment whose parameters and edits it re-runs.</summary>
    [Id(28)] public string? RepeatOf { get; init; }

    /// <summary>The campaign's noise-aware judgement of this result.</summary>
    [Id(29)] public AcceptanceVerdict Verdict { get; init; }

    /// <summary>Probability (0..1) that it is really better than the best it was compared with; null when not judged.</summary>
    [Id(30)] public double? Confidence { get; init; }

    /// <summary>The improvement it had to exceed (noise margin, in objective units) when judged.</summary>
    [Id(31)] public double? Margin { get; init; }

    /// <summary>When the experiment got its sandbox slot and when its result was recorded: the slot's busy time.</summary>
    [Id(32)] public DateTimeOffset? SlotStartedAt { get; init; }
    [Id(33)] public DateTimeOffset? SlotEndedAt { get; init; }

    /// <summary>Model tokens its proposal cost (0 for built-in optimizers).</summary>
    [Id(34)] public long Tokens { get; init; }

    /// <summary>What the sandbox runner noticed about the run (skipped or truncated artifacts, cut output, rejected values).</summary>
    [Id(35)] public List<string> Notes { get; init; } = [];

    /// <summary>Whether its artifacts folder was not fully copied (a file or byte cap, the time limit, or an error); a note says which.</summary>
    [Id(36)] public bool ArtifactsTruncated { get; init; }

    /// <summary>What made its proposal (see <see cref="ProposalOrigin"/>); stored in the ledger next to <see cref="ProposerName"/>.</summary>
    [Id(37)] public ProposalOrigin Origin { get; init; }

    /// <summary>
    /// The Docker host (fleet, silo name) whose runner started this attempt's container (<see cref="ContainerId"/>); null before
    /// it got a slot. A re-run after its silo died records the host that ran it again.
    /// </summary>
    [Id(40)] public string? Host { get; init; }

    public bool IsFinished => Status is ExperimentStatus.Succeeded or ExperimentStatus.Failed or ExperimentStatus.Pruned;

    /// <summary>What it consumed, as charged to budgets.</summary>
    public ResourceUse Use => new() { Tokens = Tokens, CpuSeconds = CpuSeconds, GpuSeconds = GpuSeconds };

    /// <summary>
    /// Succeeded with a finite objective on the tuning evaluation: the only experiments that count for baselines and bests.
    /// Held-out runs never do (their scores come from another evaluation); see <see cref="HasHeldOutObjective"/>.
    /// </summary>
    public bool HasUsableObjective => Kind != ExperimentKind.Holdout && HasFiniteObjective;

    /// <summary>A held-out run that succeeded with a finite objective.</summary>
    public bool HasHeldOutObjective => Kind == ExperimentKind.Holdout && HasFiniteObjective;

    /// <summary>A held-out re-validation run (not part of the search).</summary>
    public bool IsHoldout => Kind == ExperimentKind.Holdout;

    /// <summary>
    /// A run of the unchanged defaults: flagged as the baseline, or of the baseline kind (rows written before the flag).
    /// The one rule every view uses to find the baseline (the ledger's headline query is the same rule in SQL).
    /// </summary>
    public bool IsBaselineRun => IsBaseline || Kind == ExperimentKind.Baseline;

    private bool HasFiniteObjective => Status == ExperimentStatus.Succeeded && Objective is { } v && double.IsFinite(v);

    public TimeSpan? Duration => StartedAt is { } s && EndedAt is { } e ? e - s : null;
}
