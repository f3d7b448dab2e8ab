namespace AutoResearch.Models.Research;

/// <summary>The files after a model's edits were applied, or why they could not be.</summary>
public sealed record CodeEditResult(Dictionary<string, string> Files, string? Problem);
