namespace AutoResearch.Sandboxes;

/// <summary>What <see cref="ArtifactExtractor"/> copied and what it skipped.</summary>
internal sealed record ArtifactCopyOutcome(int Files, long Bytes, IReadOnlyList<string> Skipped);
