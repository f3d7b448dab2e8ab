using AutoResearch.Abstractions.Parameters;
namespace AutoResearch.Abstractions.Experiments;

/// <summary>What a proposer wants to try next: parameter values and/or file edits, with its reasoning.</summary>
[GenerateSerializer, Immutable, Alias("AutoResearch.Proposal")]
public sealed record Proposal
{
    /// <summary>Full parameter assignment (every declared parameter), typed. (Id 0 held it as text before; a new Id keeps old payloads readable.)</summary>
    [Id(14)] public required ParameterSet Parameters { get; init; }

    /// <summary>Unified diff against the benchmark's editable files, or null for parameter-only proposals.</summary>
    [Id(1)] public string? Diff { get; init; }

    /// <summary>Replacement contents of edited files (path relative to the work dir → content).</summary>
    [Id(2)] public Dictionary<string, string> EditedFiles { get; init; } = [];

    /// <summary>One line: what is being tried and why.</summary>
    [Id(3)] public string Hypothesis { get; init; } = "";

    /// <summary>Name of the proposer that made it (e.g. <c>gp</c>, <c>baseline</c>).</summary>
    [Id(4)] public required string ProposerName { get; init; }

    /// <summary>True for the baseline run (all defaults, no edits).</summary>
    [Id(5)] public bool IsBaseline { get; init; }

    /// <summary>Why the proposal was rejected before running (e.g. a model's edit that did not apply even after repair); null when it may run.</summary>
    [Id(6)] public string? Rejection { get; init; }

    /// <summary>Tokens the proposal cost (model calls, repairs included); 0 for built-in optimizers.</summary>
    [Id(7)] public long Tokens { get; init; }

    /// <summary>Why the proposer expects this to help, and what effect it expects (model proposers).</summary>
    [Id(8)] public string? Rationale { get; init; }
    [Id(9)] public string? ExpectedEffect { get; init; }

    /// <summary>Something the agent should tell the journal (e.g. "every model is down; this proposal came from tpe").</summary>
    [Id(10)] public string? Notice { get; init; }

    /// <summary>The endpoint/model that made the proposal, when a model did; null for built-in optimizers and fallbacks.</summary>
    [Id(11)] public string? Model { get; init; }

    /// <summary>A model problem to show in status (e.g. "model-a: HTTP 500 ×4; model-b answers"); null while the first model answers.</summary>
    [Id(12)] public string? ModelProblem { get; init; }

    /// <summary>What made it: a built-in optimizer, a model, or a model agent's fallback optimizer.</summary>
    [Id(13)] public ProposalOrigin Origin { get; init; }
}
