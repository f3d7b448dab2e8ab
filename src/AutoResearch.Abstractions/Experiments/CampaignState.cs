namespace AutoResearch.Abstractions.Experiments;

/// <summary>Campaign state machine: Created → Running → Completed | Stopped | Failed.</summary>
[GenerateSerializer]
public enum CampaignState
{
    Created = 0,
    Running = 1,
    Completed = 2,
    Stopped = 3,
    Failed = 4,
}
