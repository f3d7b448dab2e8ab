namespace AutoResearch.Abstractions.Specs;

/// <summary>Resources one run of a benchmark gets inside its sandbox.</summary>
[GenerateSerializer, Immutable, Alias("AutoResearch.ResourceSpec")]
public sealed record ResourceSpec
{
    [Id(0)] public double Cpus { get; init; } = 1;
    [Id(1)] public long MemoryMb { get; init; } = 1024;
    [Id(2)] public int Gpus { get; init; }
    [Id(3)] public long Pids { get; init; } = 256;
    [Id(4)] public long TmpfsMb { get; init; } = 256;

    /// <summary>Size cap of the work directory (a tmpfs volume): writing past it fails inside the run with ENOSPC.</summary>
    [Id(5)] public long DiskMb { get; init; } = DefaultDiskMb;

    /// <summary>The work directory's size when <c>resources.disk</c> is not given.</summary>
    public const long DefaultDiskMb = 1024;
}
