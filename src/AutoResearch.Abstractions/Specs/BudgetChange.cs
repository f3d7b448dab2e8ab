namespace AutoResearch.Abstractions.Specs;

/// <summary>New budget values to set while a campaign runs; null leaves a value as it is, 0 removes the limit.</summary>
[GenerateSerializer, Immutable, Alias("AutoResearch.BudgetChange")]
public sealed record BudgetChange
{
    [Id(0)] public long? Tokens { get; init; }
    [Id(1)] public double? GpuSeconds { get; init; }
    [Id(2)] public double? CpuSeconds { get; init; }

    public bool IsEmpty => Tokens is null && GpuSeconds is null && CpuSeconds is null;
}
