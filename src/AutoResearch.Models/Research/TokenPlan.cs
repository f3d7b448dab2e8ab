using System.Globalization;

namespace AutoResearch.Models.Research;

/// <summary>
/// What one experiment of a model agent may cost in tokens, call by call: the proposal (prompt + answer), the repair round
/// (when enabled: the prompt again, the first answer echoed, a note, and a second answer) and the reflection. Prompts are
/// estimated at 3.5 characters a token, as the gateway estimates them before a call (servers' tokenizers usually count fewer,
/// and the budget is charged what the server reports).
/// </summary>
/// <param name="SystemPrompt">The system prompt's estimate.</param>
/// <param name="Prompt">The proposal prompt's estimate, system prompt included: measured from the last proposal plus room to grow, or (not yet measured) the most the context window lets it be, or the benchmark's prompt before any history.</param>
/// <param name="Output">Most answer tokens per call (the smallest <c>MaxOutputTokens</c> of the agent's endpoints).</param>
/// <param name="Repair">The repair round's most tokens; 0 when repairs are off.</param>
/// <param name="Reflection">The reflection call's most tokens; 0 when the model does not reflect.</param>
/// <param name="Basis">Where <paramref name="Prompt"/> comes from, in words.</param>
public sealed record TokenPlan(long SystemPrompt, long Prompt, long Output, long Repair, long Reflection, string Basis)
{
    /// <summary>Tokens of one proposal call: its prompt and the longest answer.</summary>
    public long OneCall => Prompt + Output;

    /// <summary>Tokens one experiment may cost: the proposal, the repair and the reflection.</summary>
    public long OneExperiment => OneCall + Repair + Reflection;

    /// <summary>The arithmetic in words, e.g. <c>proposal 3,100 (prompt ~1,052 measured + answer ≤ 2,048) + repair 5,276 + reflection 2,900 = 11,276 tokens</c>.</summary>
    public string Describe()
    {
        var c = CultureInfo.InvariantCulture;
        var parts = new List<string> { string.Create(c, $"proposal {OneCall:N0} (prompt ~{Prompt:N0} {Basis} + answer ≤ {Output:N0})") };
        if (Repair > 0) parts.Add(string.Create(c, $"repair round {Repair:N0}"));
        if (Reflection > 0) parts.Add(string.Create(c, $"reflection {Reflection:N0}"));
        return parts.Count == 1 ? string.Create(c, $"{parts[0]} = {OneExperiment:N0} tokens") : string.Create(c, $"{string.Join(" + ", parts)} = {OneExperiment:N0} tokens");
    }
}
