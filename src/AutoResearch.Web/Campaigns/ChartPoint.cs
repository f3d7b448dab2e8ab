namespace AutoResearch.Web.Campaigns;

/// <summary>A finished experiment's result on the best-so-far chart: minutes since the start, the objective, who ran it.</summary>
public sealed record ChartPoint(double Minutes, double Value, string Agent, int Sequence);
