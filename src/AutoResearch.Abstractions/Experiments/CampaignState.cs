namespace AutoResearch.Abstractions.Experiments;

/// <summary>Campaign state machine: Created → Running ⇄ Paused → Completed | Stopped | Failed.</summary>
[GenerateSerializer, Alias("AutoResearch.CampaignState")]
public enum CampaignState
{
    Created = 0,
    Running = 1,
    Completed = 2,
    Stopped = 3,
    Failed = 4,

    /// <summary>No new experiments start; running ones finish; resumable.</summary>
    Paused = 5,
}
