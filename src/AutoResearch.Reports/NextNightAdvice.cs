namespace AutoResearch.Reports;

/// <summary>Suggestions for the next night: the rule-based checks always, and a model's advice when a model is configured and answered.</summary>
public sealed record NextNightAdvice
{
    /// <summary>From the checks in <see cref="SuggestionRules"/>, most useful first.</summary>
    public IReadOnlyList<Suggestion> Rules { get; init; } = [];

    /// <summary>The model's suggestions (plain text items); empty when no model wrote any.</summary>
    public IReadOnlyList<string> FromModel { get; init; } = [];

    /// <summary>The endpoint and model that wrote <see cref="FromModel"/>, e.g. <c>local (qwen2.5-coder)</c>.</summary>
    public string? Model { get; init; }

    /// <summary>Tokens the model's advice cost (prompt + completion).</summary>
    public long Tokens { get; init; }

    /// <summary>Why a configured model wrote nothing (it failed, its answer was unreadable, no budget); null otherwise.</summary>
    public string? ModelProblem { get; init; }

    public static NextNightAdvice Empty { get; } = new();
}
