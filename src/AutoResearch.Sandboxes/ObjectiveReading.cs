namespace AutoResearch.Sandboxes;

/// <summary>The objective a run reported: its value (null: none) and why it cannot be used (null: it can).</summary>
internal readonly record struct ObjectiveReading(double? Value, string? Problem);
