using Microsoft.Extensions.Options;

namespace AutoResearch.Web.Security;

/// <summary>
/// At start-up: a configured admin password replaces the stored hash; with neither, a random password is made, its hash
/// stored, and the password printed once on stderr (not through the logger, so no log file ever holds it). A changed
/// password ends every open session, and so does a new one made because the stored one was deleted (deleting the
/// credentials file is how an admin resets a lost password: the sessions signed in before must not outlive it).
/// </summary>
public sealed class AdminPasswordSetup(CredentialStore credentials, ConsoleSessions sessions, IOptions<ConsoleOptions> options, ILogger<AdminPasswordSetup> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (options.Value.AdminPassword is { Length: > 0 } configured)
        {
            if (!credentials.VerifyAdminPassword(configured))
            {
                // A new password ends every session signed in with the old one (or with a deleted one).
                sessions.CloseAll();
                credentials.SetAdminPassword(configured);
            }
            logger.LogInformation("Console sign-in: the configured admin password ({Setting})", $"{ConsoleOptions.Section}:AdminPassword");
            return;
        }
        if (credentials.HasAdminPassword)
        {
            logger.LogInformation("Console sign-in: the admin password stored (hashed) in {File}", credentials.FilePath);
            return;
        }
        var password = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(12)).Replace('+', 'x').Replace('/', 'y');
        sessions.CloseAll();
        credentials.SetAdminPassword(password);
        await Console.Error.WriteLineAsync(
            $"{Environment.NewLine}  Console admin password (shown once, stored only as a hash): {password}{Environment.NewLine}" +
            $"  Set your own with the environment variable Console__AdminPassword (or AUTORESEARCH_ADMIN_PASSWORD) and restart.{Environment.NewLine}");
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
