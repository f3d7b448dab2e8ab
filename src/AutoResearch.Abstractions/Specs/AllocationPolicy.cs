namespace AutoResearch.Abstractions.Specs;

/// <summary>How a campaign hands experiment turns to its agents (<c>allocation</c> in <c>campaign.yaml</c>).</summary>
[GenerateSerializer, Alias("AutoResearch.AllocationPolicy")]
public enum AllocationPolicy
{
    /// <summary>Whichever agent asks first gets the next experiment; the fleet shares slots by the agents' weights (the default).</summary>
    Fair = 0,

    /// <summary>A bandit over agents: more turns to agents with better accepted gain per cost, every agent keeping a floor share.</summary>
    Gain = 1,
}
