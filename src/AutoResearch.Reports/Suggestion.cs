namespace AutoResearch.Reports;

/// <summary>Something to try or change next night, and the evidence behind it.</summary>
public sealed record Suggestion(string Text, string Evidence);
