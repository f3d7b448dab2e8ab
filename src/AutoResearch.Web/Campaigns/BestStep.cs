namespace AutoResearch.Web.Campaigns;

/// <summary>An accepted best (the leaderboard's step line): when it was accepted, its mean over runs, and its confidence.</summary>
public sealed record BestStep(double Minutes, double Value, int Sequence, string Agent, int Runs, double? Confidence);
