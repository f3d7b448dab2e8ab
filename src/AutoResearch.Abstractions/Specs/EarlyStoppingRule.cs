namespace AutoResearch.Abstractions.Specs;

/// <summary>How hopeless runs are stopped early from their intermediate <c>METRIC ... step=N</c> points.</summary>
[GenerateSerializer, Alias("AutoResearch.EarlyStoppingRule")]
public enum EarlyStoppingRule
{
    /// <summary>Every run goes to the end (the default).</summary>
    None = 0,

    /// <summary>Stop a run whose best value so far is worse than the median of earlier runs at the same step.</summary>
    Median = 1,

    /// <summary>Successive halving (ASHA-style rungs): at each rung keep only the top 1/eta of runs that reached it.</summary>
    SuccessiveHalving = 2,
}
