using AutoResearch.Abstractions.Experiments;

namespace AutoResearch.Abstractions.Ports;

/// <summary>A proposer that also writes its own reflection on a finished experiment (model proposers).</summary>
public interface IReflector
{
    /// <summary>
    /// What the experiment taught and what to try next, for the shared journal; null to leave the reflection to the built-in
    /// writer (e.g. no model answered or the budget is spent).
    /// </summary>
    Task<Reflection?> ReflectAsync(ReflectionContext context, CancellationToken cancellationToken);
}
