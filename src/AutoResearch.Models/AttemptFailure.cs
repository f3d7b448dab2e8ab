namespace AutoResearch.Models;

/// <summary>Why one attempt failed, and whether another attempt at the same endpoint may succeed.</summary>
internal sealed record AttemptFailure(string Description, bool Transient, TimeSpan? RetryAfter, int? StatusCode);
