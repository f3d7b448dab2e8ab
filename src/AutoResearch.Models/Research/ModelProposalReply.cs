namespace AutoResearch.Models.Research;

/// <summary>A model's proposal as parsed from its answer, before validation against the benchmark.</summary>
public sealed record ModelProposalReply
{
    public required string Hypothesis { get; init; }
    public string Rationale { get; init; } = "";
    public string ExpectedEffect { get; init; } = "";

    /// <summary>Parameter changes (name → invariant text); parameters not named keep the current best's values.</summary>
    public Dictionary<string, string> Parameters { get; init; } = new(StringComparer.Ordinal);

    /// <summary>The edit text (search/replace blocks or a unified diff); empty when the proposal edits no file.</summary>
    public string Edits { get; init; } = "";
}
