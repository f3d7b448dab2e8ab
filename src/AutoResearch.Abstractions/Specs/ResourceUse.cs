namespace AutoResearch.Abstractions.Specs;

/// <summary>An amount of the budgeted resources: used, reserved or estimated.</summary>
[GenerateSerializer, Immutable, Alias("AutoResearch.ResourceUse")]
public sealed record ResourceUse
{
    [Id(0)] public long Tokens { get; init; }
    [Id(1)] public double GpuSeconds { get; init; }
    [Id(2)] public double CpuSeconds { get; init; }

    public static ResourceUse Zero { get; } = new();

    public static ResourceUse operator +(ResourceUse a, ResourceUse b) => new()
    {
        Tokens = a.Tokens + b.Tokens,
        GpuSeconds = a.GpuSeconds + b.GpuSeconds,
        CpuSeconds = a.CpuSeconds + b.CpuSeconds,
    };

    public static ResourceUse operator -(ResourceUse a, ResourceUse b) => new()
    {
        Tokens = a.Tokens - b.Tokens,
        GpuSeconds = a.GpuSeconds - b.GpuSeconds,
        CpuSeconds = a.CpuSeconds - b.CpuSeconds,
    };

    /// <summary>Component-wise maximum with zero (no negative amounts).</summary>
    public ResourceUse ClampToZero() => new()
    {
        Tokens = Math.Max(0, Tokens),
        GpuSeconds = Math.Max(0, GpuSeconds),
        CpuSeconds = Math.Max(0, CpuSeconds),
    };

    /// <summary>What one run of a benchmark may cost at most: its resources held for its whole time limit plus a kill grace.</summary>
    public static ResourceUse WorstCaseRun(BenchmarkSpec benchmark, TimeSpan killGrace)
    {
        var seconds = (benchmark.TimeLimit + killGrace).TotalSeconds;
        return new ResourceUse { CpuSeconds = seconds * benchmark.Resources.Cpus, GpuSeconds = seconds * benchmark.Resources.Gpus };
    }
}
