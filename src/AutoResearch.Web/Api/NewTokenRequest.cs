namespace AutoResearch.Web.Api;

/// <summary>A token to make: its name, role (<c>viewer|researcher|admin</c>, at most the creator's; default the creator's) and lifetime in days.</summary>
public sealed record NewTokenRequest(string? Name, string? Role = null, int? ExpiresInDays = null);
