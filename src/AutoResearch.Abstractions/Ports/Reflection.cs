namespace AutoResearch.Abstractions.Ports;

/// <summary>A reflection for the journal and the tokens it cost.</summary>
public sealed record Reflection(string Text, long Tokens);
