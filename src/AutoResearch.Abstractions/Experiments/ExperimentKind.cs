namespace AutoResearch.Abstractions.Experiments;

/// <summary>Why an experiment ran.</summary>
[GenerateSerializer, Alias("AutoResearch.ExperimentKind")]
public enum ExperimentKind
{
    /// <summary>An agent's proposal.</summary>
    Proposal = 0,

    /// <summary>The first baseline run: every parameter at its default, no edits.</summary>
    Baseline = 1,

    /// <summary>The same parameters and edits as another experiment with a new seed: noise measurement or confirmation.</summary>
    Repeat = 2,

    /// <summary>
    /// A held-out re-validation run of another experiment (<see cref="ExperimentRecord.RepeatOf"/>): its parameters and edits
    /// with a fresh seed on the benchmark's held-out evaluation. Never counts for bests, the baseline or the noise.
    /// </summary>
    Holdout = 3,
}
