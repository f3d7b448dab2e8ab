namespace AutoResearch.Abstractions;

/// <summary>Provider, storage and label names used across the system, in one place.</summary>
public static class Names
{
    /// <summary>Grain storage holding campaign and agent state.</summary>
    public const string GrainStorage = "autoresearch";

    /// <summary>Docker label naming the campaign a container belongs to.</summary>
    public const string CampaignLabel = "autoresearch.campaign";

    /// <summary>Docker label naming the experiment a container runs.</summary>
    public const string ExperimentLabel = "autoresearch.experiment";

    /// <summary>Docker label naming the host installation (data directory) that created a container; the reaper only removes its own.</summary>
    public const string OwnerLabel = "autoresearch.owner";

    /// <summary>The fleet grain key for the local Docker host.</summary>
    public const string LocalFleet = "local";
}
