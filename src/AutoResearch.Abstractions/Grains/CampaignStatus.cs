using AutoResearch.Abstractions.Experiments;
using AutoResearch.Abstractions.Specs;

namespace AutoResearch.Abstractions.Grains;

/// <summary>A campaign's state as the CLI and console show it.</summary>
[GenerateSerializer, Immutable, Alias("AutoResearch.CampaignStatus")]
public sealed record CampaignStatus
{
    [Id(0)] public required string Id { get; init; }
    [Id(1)] public required string Name { get; init; }
    [Id(2)] public required CampaignState State { get; init; }
    [Id(3)] public DateTimeOffset? StartedAt { get; init; }
    [Id(4)] public DateTimeOffset? EndedAt { get; init; }
    [Id(5)] public DateTimeOffset? Deadline { get; init; }
    [Id(6)] public int MaxExperiments { get; init; }

    /// <summary>Experiments granted so far (queued, running or finished).</summary>
    [Id(7)] public int Launched { get; init; }
    [Id(8)] public int Finished { get; init; }
    [Id(9)] public int Succeeded { get; init; }
    [Id(10)] public int Failed { get; init; }
    [Id(11)] public Direction Direction { get; init; }
    /// <summary>The baseline's mean over its runs (its first run and its noise repeats), and how many runs that is.</summary>
    [Id(12)] public double? Baseline { get; init; }
    [Id(61)] public int BaselineRuns { get; init; }
    [Id(13)] public double? Best { get; init; }
    [Id(14)] public string? BestExperimentId { get; init; }
    [Id(15)] public List<AgentStatus> Agents { get; init; } = [];
    [Id(16)] public string? Reason { get; init; }
    [Id(17)] public string MetricName { get; init; } = "";

    /// <summary>Paths of the last written report, once there is one.</summary>
    [Id(18)] public string? ReportMarkdown { get; init; }
    [Id(19)] public string? ReportHtml { get; init; }

    /// <summary>Sandbox slots the campaign may use at once.</summary>
    [Id(20)] public int Slots { get; init; }

    /// <summary>The campaign-wide budget in force (after any changes), what was used and what is reserved.</summary>
    [Id(21)] public BudgetSpec Budget { get; init; } = new();
    [Id(22)] public ResourceUse Used { get; init; } = ResourceUse.Zero;
    [Id(23)] public ResourceUse Reserved { get; init; } = ResourceUse.Zero;

    /// <summary>Run-to-run standard deviation measured from repeats; null until measured.</summary>
    [Id(24)] public double? NoiseStdDev { get; init; }

    /// <summary>Confidence (0..1) of the current best against the one before it, and the runs behind it.</summary>
    [Id(25)] public double? BestConfidence { get; init; }
    [Id(26)] public int BestRuns { get; init; }

    /// <summary>Experiments stopped early by the benchmark's rule.</summary>
    [Id(27)] public int Pruned { get; init; }

    /// <summary>Held-out re-validation: in-sample vs held-out of the re-validated results; empty when none ran.</summary>
    [Id(40)] public HoldoutSummary Holdout { get; init; } = new();

    /// <summary>Held-out runs granted, and finished, so far (not counted in <see cref="Launched"/> or <see cref="Finished"/>).</summary>
    [Id(41)] public int HoldoutLaunched { get; init; }
    [Id(42)] public int HoldoutFinished { get; init; }

    /// <summary>The noise measurement in full: identical repeats, the minimum improvement in force, comparisons made.</summary>
    [Id(43)] public NoiseSummary Noise { get; init; } = new();

    /// <summary>Under <c>allocation: gain</c>: each agent's share (0..1) of the next turns, by agent id; empty under <c>fair</c>.</summary>
    [Id(60)] public Dictionary<string, double> AllocationShares { get; init; } = [];

    /// <summary>Experiments holding a sandbox slot now (never more than <see cref="Slots"/>) and those granted and waiting for one, from the ledger's rows; null when not read from the ledger (the live grain knows only granted minus finished).</summary>
    [Id(62)] public int? Running { get; init; }
    [Id(63)] public int? Queued { get; init; }

    /// <summary>Experiments waiting for a person's approval (<c>approval:</c> thresholds; they hold no slot) and since when the oldest waits.</summary>
    [Id(80)] public int AwaitingApproval { get; init; }
    [Id(81)] public DateTimeOffset? AwaitingApprovalSince { get; init; }

    /// <summary>
    /// Running and queued as every view counts them: the ledger's counts when known; else (a live status) the experiments granted
    /// and not back, of which no more than <see cref="Slots"/> can be running (the rest wait for a slot).
    /// </summary>
    public (int Running, int Queued) RunningAndQueued
    {
        get
        {
            var inFlight = Math.Max(0, Launched - Finished);
            var running = Running ?? (Slots > 0 ? Math.Min(inFlight, Slots) : inFlight);
            return (running, Queued ?? inFlight - running);
        }
    }

    public bool IsTerminal => State is CampaignState.Completed or CampaignState.Stopped or CampaignState.Failed;
}
