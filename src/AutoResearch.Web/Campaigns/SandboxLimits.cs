namespace AutoResearch.Web.Campaigns;

/// <summary>The locked-down sandbox an experiment ran in.</summary>
public sealed record SandboxLimits(double Cpus, long MemoryMb, int Gpus, long Pids, long TmpfsMb, double TimeLimitSeconds, string Network, string RootFilesystem, string? Image);
