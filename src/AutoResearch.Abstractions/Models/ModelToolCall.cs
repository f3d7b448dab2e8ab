namespace AutoResearch.Abstractions.Models;

/// <summary>A function call a model answered with: the function's name and its arguments as JSON text.</summary>
public sealed record ModelToolCall(string Name, string ArgumentsJson);
