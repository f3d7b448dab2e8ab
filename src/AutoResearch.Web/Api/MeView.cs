namespace AutoResearch.Web.Api;

public sealed record MeView(string Name, string SignedInWith);
