namespace AutoResearch.Web.Api;

public sealed record NewTokenRequest(string? Name);
