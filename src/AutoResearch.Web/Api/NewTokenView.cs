namespace AutoResearch.Web.Api;

/// <summary>A token just created: the one answer that carries the token itself.</summary>
public sealed record NewTokenView(TokenView Token, string Secret);
