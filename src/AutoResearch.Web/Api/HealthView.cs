namespace AutoResearch.Web.Api;

public sealed record HealthView(string Status);
