using System.Globalization;

namespace AutoResearch.Abstractions.Specs;

/// <summary>
/// The campaign's <c>approval:</c> setting: experiments whose cost is above a threshold wait (without a sandbox slot) until a
/// researcher or admin approves them; a rejected one is recorded as such and its agent goes on. Each threshold is optional;
/// none given (the default) means nothing waits. The cost of one experiment is its benchmark's resources over its time limit.
/// </summary>
[GenerateSerializer, Immutable, Alias("AutoResearch.ApprovalPolicy")]
public sealed record ApprovalPolicy
{
    /// <summary>An experiment using more GPUs than this waits for approval (<c>gpus_over: 0</c>: every GPU run).</summary>
    [Id(0)] public int? GpusOver { get; init; }

    /// <summary>An experiment whose worst case (time limit × GPUs) is over this many GPU-hours waits.</summary>
    [Id(1)] public double? GpuHoursOver { get; init; }

    /// <summary>An experiment whose worst case (time limit × CPUs) is over this many CPU-hours waits.</summary>
    [Id(2)] public double? CpuHoursOver { get; init; }

    public bool Enabled => GpusOver is not null || GpuHoursOver is not null || CpuHoursOver is not null;

    /// <summary>Why one run of <paramref name="benchmark"/> needs a person's approval ("uses 2 GPUs, over 0"); null when it does not.</summary>
    public string? Why(BenchmarkSpec benchmark)
    {
        ArgumentNullException.ThrowIfNull(benchmark);
        var hours = benchmark.TimeLimit.TotalHours;
        var gpus = benchmark.Resources.Gpus;
        var reasons = new List<string>();
        if (GpusOver is { } g && gpus > g)
            reasons.Add(string.Create(CultureInfo.InvariantCulture, $"it uses {gpus} GPU{(gpus == 1 ? "" : "s")} (approval needed over {g})"));
        if (GpuHoursOver is { } gh && gpus * hours > gh)
            reasons.Add(string.Create(CultureInfo.InvariantCulture, $"its worst case is {gpus * hours:0.###} GPU-hours (approval needed over {gh:0.###})"));
        if (CpuHoursOver is { } ch && benchmark.Resources.Cpus * hours > ch)
            reasons.Add(string.Create(CultureInfo.InvariantCulture, $"its worst case is {benchmark.Resources.Cpus * hours:0.###} CPU-hours (approval needed over {ch:0.###})"));
        return reasons.Count == 0 ? null : string.Join("; ", reasons);
    }
}
