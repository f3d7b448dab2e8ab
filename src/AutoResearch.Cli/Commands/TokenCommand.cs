using System.CommandLine;
using System.Globalization;
using AutoResearch.Host.Hosting;
using AutoResearch.Web.Security;
using Microsoft.Extensions.Options;

namespace AutoResearch.Cli.Commands;

/// <summary>
/// <c>autoresearch token create|list|revoke</c>: the web console's API tokens from a shell (a server without a browser). A
/// running console sees the change at once (they share <c>&lt;data&gt;/console/credentials.json</c>).
/// </summary>
public static class TokenCommand
{
    public static Command Create(Option<string?> data)
    {
        var name = new Argument<string>("name") { Description = "What uses the token (e.g. nightly-script)." };
        var create = new Command("create", "Make an API token and print it (the only time it is shown; only its hash is kept).") { name };
        create.SetAction(async (parse, _) =>
        {
            var n = parse.GetRequiredValue(name).Trim();
            if (n.Length is 0 or > 100 || n.Any(char.IsControl))
                return await LedgerSession.FailAsync("token create: give a name of 1 to 100 printable characters (what uses the token).");
            var (record, token) = Store(parse.GetValue(data)).CreateToken(n);
            await Console.Error.WriteLineAsync($"Token '{record.Name}' (id {record.Id}); use it as 'Authorization: Bearer <token>'. It is not shown again:");
            await Console.Out.WriteLineAsync(token);
            return 0;
        });

        var list = new Command("list", "List API tokens (names, ids, first characters; never the tokens).");
        list.SetAction(async (parse, _) =>
        {
            foreach (var t in Store(parse.GetValue(data)).Tokens)
                await Console.Out.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"{t.Id}  {t.Prefix}…  {t.CreatedAt:u}  {t.Name}"));
            return 0;
        });

        var id = new Argument<string>("id") { Description = "The token's id (see 'token list')." };
        var revoke = new Command("revoke", "Revoke an API token; calls with it get 401 from then on.") { id };
        revoke.SetAction(async (parse, _) =>
        {
            var tokenId = parse.GetRequiredValue(id);
            if (!Store(parse.GetValue(data)).RevokeToken(tokenId))
                return await LedgerSession.FailAsync($"token revoke: there is no token '{tokenId}' (see 'autoresearch token list').");
            await Console.Out.WriteLineAsync($"Token {tokenId} revoked.");
            return 0;
        });

        return new Command("token", "API tokens for scripts that call the web console's API.") { create, list, revoke };
    }

    private static CredentialStore Store(string? dataDirectory)
    {
        var options = new AutoResearchOptions();
        if (!string.IsNullOrWhiteSpace(dataDirectory)) options.DataDirectory = dataDirectory;
        return new CredentialStore(Options.Create(options));
    }
}
