namespace AutoResearch.Abstractions.Models;

/// <summary>One chat message of a model request.</summary>
public sealed record ModelMessage(ModelRole Role, string Content);
