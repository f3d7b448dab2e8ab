namespace AutoResearch.Web.Security;

/// <summary>Names of the console's authentication schemes and claims.</summary>
public static class ConsoleAuth
{
    /// <summary>The default scheme: forwards to <see cref="TokenScheme"/> for <c>Authorization: Bearer</c> requests, else to the cookie.</summary>
    public const string Scheme = "console";
    public const string CookieScheme = "console-cookie";
    public const string TokenScheme = "api-token";
    public const string CookieName = "autoresearch.auth";
    public const string AntiforgeryHeader = "X-CSRF-TOKEN";
    public const string AdminName = "admin";

    /// <summary>The claim of the sign-in cookie that names its server-side session (<see cref="ConsoleSessions"/>).</summary>
    public const string SessionClaim = "autoresearch:session";

    /// <summary>The claim of the sign-in cookie that says when the person signed in (Unix milliseconds).</summary>
    public const string SignedInAtClaim = "autoresearch:signed-in-at";

    /// <summary>The claim of a token's principal that holds the token's id.</summary>
    public const string TokenIdClaim = "token_id";

    /// <summary>The rate-limiting policy of the sign-in page.</summary>
    public const string SignInPolicy = "sign-in";
}
