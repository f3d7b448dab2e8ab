namespace AutoResearch.Abstractions.Models;

/// <summary>A model call was refused before it was sent: its estimate does not fit the tokens left.</summary>
public sealed class ModelBudgetExceededException(long estimate, long allowance)
    : Exception($"a model call needs up to {estimate} tokens but only {allowance} are left in the token budget")
{
    public long Estimate { get; } = estimate;
    public long Allowance { get; } = allowance;
}
