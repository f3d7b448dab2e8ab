using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace AutoResearch.Web.Security;

/// <summary>
/// <c>Authorization: Bearer art_…</c>: signs in as the token's name with the token's role when the token's hash is a stored
/// one and it has not expired.
/// </summary>
public sealed class ApiTokenHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder, CredentialStore credentials, TimeProvider clock)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var header = Request.Headers.Authorization.ToString();
        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
            return Task.FromResult(AuthenticateResult.NoResult());
        var token = header["Bearer ".Length..].Trim();
        if (credentials.FindToken(token) is not { } record)
            return Task.FromResult(AuthenticateResult.Fail("The API token is not valid (revoked, mistyped or from another installation)."));
        if (record.IsExpired(clock.GetUtcNow()))
            return Task.FromResult(AuthenticateResult.Fail($"The API token '{record.Name}' expired at {record.ExpiresAt:u}; make a new one."));
        var identity = new ClaimsIdentity(
            [
                new Claim(ClaimTypes.Name, $"token:{record.Name}"), new Claim(ConsoleAuth.TokenIdClaim, record.Id),
                new Claim(ClaimTypes.Role, record.Role.Name()),
            ],
            ConsoleAuth.TokenScheme);
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), ConsoleAuth.TokenScheme)));
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = StatusCodes.Status401Unauthorized;
        Response.Headers.WWWAuthenticate = "Bearer realm=\"autoresearch\"";
        return Task.CompletedTask;
    }
}
