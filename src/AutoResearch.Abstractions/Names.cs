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

    /// <summary>
    /// Docker label naming the silo (Orleans silo address with its generation) whose runner created a container; when
    /// membership declares that silo dead, a survivor on the same Docker host removes its containers by it.
    /// </summary>
    public const string SiloLabel = "autoresearch.silo";

    /// <summary>The fleet grain key for the local Docker host.</summary>
    public const string LocalFleet = "local";
}
