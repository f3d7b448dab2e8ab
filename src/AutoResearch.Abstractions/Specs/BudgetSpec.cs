namespace AutoResearch.Abstractions.Specs;

/// <summary>Limits on what a campaign or an agent may consume. 0 means no limit for that resource.</summary>
[GenerateSerializer, Immutable, Alias("AutoResearch.BudgetSpec")]
public sealed record BudgetSpec
{
    /// <summary>Model tokens (prompt + completion).</summary>
    [Id(0)] public long Tokens { get; init; }

    /// <summary>GPU-seconds: GPUs held × wall time of the run.</summary>
    [Id(1)] public double GpuSeconds { get; init; }

    /// <summary>CPU-seconds: CPUs granted to the sandbox × wall time of the run.</summary>
    [Id(2)] public double CpuSeconds { get; init; }

    public static BudgetSpec Unlimited { get; } = new();

    public bool IsUnlimited => Tokens <= 0 && GpuSeconds <= 0 && CpuSeconds <= 0;

    /// <summary>This budget with the non-null values of <paramref name="change"/> applied.</summary>
    public BudgetSpec With(BudgetChange? change) => change is null ? this : new BudgetSpec
    {
        Tokens = change.Tokens ?? Tokens,
        GpuSeconds = change.GpuSeconds ?? GpuSeconds,
        CpuSeconds = change.CpuSeconds ?? CpuSeconds,
    };

    /// <summary>Why <paramref name="used"/> + <paramref name="more"/> would break this budget; null when it fits.</summary>
    public string? WhyNotFits(ResourceUse used, ResourceUse more)
    {
        var total = used + more;
        if (Tokens > 0 && total.Tokens > Tokens)
            return $"tokens: {used.Tokens} used + {more.Tokens} needed > {Tokens} budget";
        if (GpuSeconds > 0 && total.GpuSeconds > GpuSeconds + 1e-9)
            return $"GPU-seconds: {used.GpuSeconds:F0} used + {more.GpuSeconds:F0} needed > {GpuSeconds:F0} budget";
        if (CpuSeconds > 0 && total.CpuSeconds > CpuSeconds + 1e-9)
            return $"CPU-seconds: {used.CpuSeconds:F0} used + {more.CpuSeconds:F0} needed > {CpuSeconds:F0} budget";
        return null;
    }
}
