namespace AutoResearch.Abstractions.Grains;

/// <summary>How an agent's typed stop reason reads: its status line and the short headline a campaign's end reason quotes.</summary>
public static class AgentStops
{
    /// <summary>The agent's activity line once it stopped, e.g. <c>done: budget spent (CPU-seconds: ...)</c>.</summary>
    public static string Activity(AgentStopReason reason, string? detail) => reason switch
    {
        AgentStopReason.BudgetSpent => $"done: budget spent ({detail})",
        AgentStopReason.CampaignFinished => $"done: {detail ?? "no more experiments"}",
        AgentStopReason.Failed => $"failed: {detail}",
        AgentStopReason.TooManyRejections => $"done: {detail}",
        AgentStopReason.QuotaSpent => $"done: lab quota spent ({detail})",
        AgentStopReason.Moving => $"moving to host {detail}",
        _ => "stopped",
    };

    /// <summary>The stop in a few words, without its detail (the same headline for every agent reads as one); empty while it runs.</summary>
    public static string Headline(AgentStatus agent) => agent.StopReason switch
    {
        AgentStopReason.BudgetSpent => "budget spent",
        AgentStopReason.CampaignFinished => agent.StopDetail ?? "no more experiments",
        AgentStopReason.Failed => $"failed: {agent.StopDetail}",
        AgentStopReason.Stopped => "stopped",
        AgentStopReason.TooManyRejections => "too many proposals rejected",
        AgentStopReason.QuotaSpent => "lab quota spent",
        AgentStopReason.Moving => "moving to another host",
        _ => "",
    };
}
