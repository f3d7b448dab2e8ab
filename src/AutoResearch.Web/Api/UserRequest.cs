namespace AutoResearch.Web.Api;

/// <summary>A user to add (name, password, role) or change (role, and a new password when given; the name comes from the route).</summary>
public sealed record UserRequest(string? Name, string? Password, string? Role);
