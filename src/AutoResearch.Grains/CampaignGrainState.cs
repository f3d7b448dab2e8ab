using AutoResearch.Abstractions.Experiments;
using AutoResearch.Abstractions.Grains;
using AutoResearch.Abstractions.Specs;

namespace AutoResearch.Grains;

/// <summary>Persisted state of a campaign. Experiment counts are not stored: the ledger is their source of truth.</summary>
[GenerateSerializer, Alias("AutoResearch.CampaignGrainState")]
public sealed class CampaignGrainState
{
    [Id(0)] public CampaignSpec? Spec { get; set; }
    [Id(1)] public CampaignState State { get; set; }
    [Id(2)] public DateTimeOffset CreatedAt { get; set; }
    [Id(3)] public DateTimeOffset? StartedAt { get; set; }
    [Id(4)] public DateTimeOffset? EndedAt { get; set; }
    [Id(5)] public DateTimeOffset? Deadline { get; set; }
    [Id(6)] public string? Reason { get; set; }
    [Id(7)] public Dictionary<string, AgentStatus> Agents { get; set; } = [];
    [Id(8)] public string? ReportMarkdown { get; set; }
    [Id(9)] public string? ReportHtml { get; set; }

    /// <summary>The campaign budget after changes made while it runs; null means the spec's.</summary>
    [Id(10)] public BudgetSpec? Budget { get; set; }

    /// <summary>The latest time of the report schedule a report was written for (so a restart neither repeats nor skips one).</summary>
    [Id(11)] public DateTimeOffset? LastScheduledReport { get; set; }

    /// <summary>
    /// The next experiment number this campaign will hand out, written before a ticket leaves the grain: a granted ticket
    /// may not be in the ledger yet when the grain re-activates (an agent still proposing it on another silo), and its number
    /// must not be handed out twice.
    /// </summary>
    [Id(12)] public int NextSequence { get; set; }

    /// <summary>The most experiments after a person changed it while the campaign runs; null means the spec's.</summary>
    [Id(13)] public int? MaxExperiments { get; set; }

    /// <summary>The slots after a person changed them while the campaign runs; null means the spec's.</summary>
    [Id(14)] public int? Slots { get; set; }
}
