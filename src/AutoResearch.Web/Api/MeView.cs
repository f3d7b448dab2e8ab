using AutoResearch.Web.Security;

namespace AutoResearch.Web.Api;

public sealed record MeView(string Name, string SignedInWith, ConsoleRole Role);
