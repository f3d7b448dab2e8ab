namespace AutoResearch.Abstractions.Specs;

/// <summary>A validated <c>campaign.yaml</c>: the goal, the benchmark, the agents and the limits.</summary>
[GenerateSerializer, Immutable, Alias("AutoResearch.CampaignSpec")]
public sealed record CampaignSpec
{
    /// <summary>Campaign name from the file; campaign ids are derived from it.</summary>
    [Id(0)] public required string Name { get; init; }

    /// <summary>Free-text goal shown in reports.</summary>
    [Id(1)] public string Goal { get; init; } = "";

    [Id(2)] public required BenchmarkSpec Benchmark { get; init; }
    [Id(3)] public required List<AgentSpec> Agents { get; init; }

    /// <summary>Stop after this many finished experiments (all agents together).</summary>
    [Id(4)] public int MaxExperiments { get; init; }

    /// <summary>Wall-clock length of the campaign from its start; the deadline is start + duration.</summary>
    [Id(5)] public TimeSpan Duration { get; init; }

    /// <summary>Stop early once the objective reaches this value.</summary>
    [Id(6)] public double? Target { get; init; }

    /// <summary>Sandbox slots (concurrent experiments) the campaign may use; 0 means all the fleet has.</summary>
    [Id(7)] public int Slots { get; init; }

    /// <summary>Absolute path of the campaign file it was loaded from.</summary>
    [Id(8)] public string SourceFile { get; init; } = "";

    /// <summary>Campaign-wide budget over all agents (0 = no limit per resource).</summary>
    [Id(9)] public BudgetSpec Budget { get; init; } = new();

    /// <summary>Noise measurement and the acceptance margin.</summary>
    [Id(10)] public NoiseSpec Noise { get; init; } = new();

    /// <summary>Share of the fleet relative to other campaigns running on it (weighted fair share).</summary>
    [Id(11)] public double Weight { get; init; } = 1;

    /// <summary>Times of day at which the running campaign writes a report (the morning report); every report is kept.</summary>
    [Id(12)] public ReportSchedule Reports { get; init; } = new();

    /// <summary>Held-out re-validation of the top accepted results (when the benchmark has a held-out evaluation).</summary>
    [Id(20)] public HoldoutPolicy Holdout { get; init; } = new();

    /// <summary>How experiment turns are handed to the agents: <c>fair</c> (first come, the default) or <c>gain</c> (a bandit on gain per cost).</summary>
    [Id(30)] public AllocationPolicy Allocation { get; init; } = AllocationPolicy.Fair;

    /// <summary>Which experiments wait for a person's approval before they run (<c>approval:</c>); by default none.</summary>
    [Id(31)] public ApprovalPolicy Approval { get; init; } = new();
}
