namespace AutoResearch.Grains;

/// <summary>Settings of the agents' research loop.</summary>
public sealed class AgentOptions
{
    public const string Section = "Agents";

    /// <summary>Root folder for experiment artifacts (<c>&lt;root&gt;/&lt;campaign&gt;/&lt;sequence&gt;</c>); null keeps none.</summary>
    public string? ArtifactsRoot { get; set; }

    /// <summary>How long one fleet request waits for a slot before asking again.</summary>
    public TimeSpan SlotWait { get; set; } = TimeSpan.FromSeconds(10);
}
