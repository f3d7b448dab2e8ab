using AutoResearch.Abstractions.Models;

namespace AutoResearch.Models;

/// <summary>One attempt at one endpoint: the reply, or why it failed.</summary>
internal sealed record AttemptResult(ModelReply? Reply, AttemptFailure? Failure);
