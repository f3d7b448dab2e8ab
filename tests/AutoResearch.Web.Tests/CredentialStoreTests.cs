using AutoResearch.Host.Hosting;
using AutoResearch.Web.Security;
using Microsoft.Extensions.Options;

namespace AutoResearch.Web.Tests;

/// <summary>The credentials file as two processes see it: the console and <c>autoresearch token</c> on the same data folder.</summary>
public sealed class CredentialStoreTests : IDisposable
{
    private readonly string _data = Path.Combine(Path.GetTempPath(), "ar-cred-" + Guid.NewGuid().ToString("N")[..8]);

    [Fact]
    public void A_token_made_or_revoked_by_another_process_counts_at_once_and_is_never_written_back()
    {
        var console = Store();
        console.SetAdminPassword("correct-horse-battery");
        var cli = Store();

        var (record, token) = cli.CreateToken("from-the-shell");
        Assert.Equal(record.Id, console.FindToken(token)?.Id);

        // The console writes (a token of its own) after the shell did: the shell's token survives.
        var (_, own) = console.CreateToken("from-the-page");
        Assert.NotNull(Store().FindToken(token));
        Assert.NotNull(Store().FindToken(own));

        Assert.True(cli.RevokeToken(record.Id));
        Assert.Null(console.FindToken(token));
        Assert.True(console.VerifyAdminPassword("correct-horse-battery"));
        Assert.False(console.VerifyAdminPassword("correct-horse-battery "));
    }

    [Fact]
    public void A_damaged_file_is_named_with_what_to_do()
    {
        Directory.CreateDirectory(Path.Combine(_data, "console"));
        File.WriteAllText(Path.Combine(_data, "console", "credentials.json"), "{ not json");
        var error = Assert.Throws<InvalidOperationException>(Store);
        Assert.Contains("credentials.json is not a valid credentials file", error.Message, StringComparison.Ordinal);
        Assert.Contains("AUTORESEARCH_ADMIN_PASSWORD", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Tokens_that_are_not_ours_are_not_found()
    {
        var store = Store();
        var (_, token) = store.CreateToken("x");
        Assert.Null(store.FindToken(token[..^1] + (token[^1] == 'A' ? 'B' : 'A')));
        Assert.Null(store.FindToken("Bearer " + token));
        Assert.Null(store.FindToken(""));
    }

    public void Dispose()
    {
        if (Directory.Exists(_data)) Directory.Delete(_data, recursive: true);
    }

    private CredentialStore Store() => new(Options.Create(new AutoResearchOptions { DataDirectory = _data }));
}
