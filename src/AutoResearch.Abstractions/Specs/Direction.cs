namespace AutoResearch.Abstractions.Specs;

/// <summary>Whether the objective metric should go down or up.</summary>
[GenerateSerializer, Alias("AutoResearch.Direction")]
public enum Direction
{
    Minimize = 0,
    Maximize = 1,
}
