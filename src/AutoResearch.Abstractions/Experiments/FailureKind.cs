namespace AutoResearch.Abstractions.Experiments;

/// <summary>Why an experiment failed; reports group failures by it.</summary>
[GenerateSerializer, Alias("AutoResearch.FailureKind")]
public enum FailureKind
{
    None = 0,

    /// <summary>Ran past the benchmark's wall-clock limit and was killed.</summary>
    Timeout = 1,

    /// <summary>Killed by the kernel for exceeding the memory limit.</summary>
    OutOfMemory = 2,

    /// <summary>Exited non-zero.</summary>
    Crash = 3,

    /// <summary>Exited zero but reported no (parsable) objective.</summary>
    NoMetric = 4,

    /// <summary>The proposal was invalid and never ran.</summary>
    Rejected = 5,

    /// <summary>The sandbox itself failed (image missing, daemon error).</summary>
    SandboxError = 6,

    /// <summary>Never started: no slot could be granted in time (e.g. the deadline came too close while it waited).</summary>
    NotRun = 7,

    /// <summary>Stopped by a person while it ran (or before it started); who and why are in its reason and the journal.</summary>
    StoppedByPerson = 8,

    /// <summary>Never started: it awaited a person's approval (its cost was over the campaign's threshold) and was rejected.</summary>
    RejectedByPerson = 9,
}
