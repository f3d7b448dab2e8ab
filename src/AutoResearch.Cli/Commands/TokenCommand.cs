using System.CommandLine;
using System.Globalization;
using AutoResearch.Host.Hosting;
using AutoResearch.Web;
using AutoResearch.Web.Security;
using Microsoft.Extensions.Options;

namespace AutoResearch.Cli.Commands;

/// <summary>
/// <c>autoresearch token create|list|revoke</c> and <c>autoresearch user add|list|remove</c>: the web console's API tokens
/// and users from a shell (a server without a browser). A running console sees the change at once (they share
/// <c>&lt;data&gt;/console/credentials.json</c>); each change is written to the console's audit log as made by <c>cli:&lt;login&gt;</c>.
/// </summary>
public static class TokenCommand
{
    public static Command Create(Option<string?> data)
    {
        var name = new Argument<string>("name") { Description = "What uses the token (e.g. nightly-script)." };
        var role = new Option<string>("--role") { Description = $"What the token may do: {ConsoleRoles.Expected}.", DefaultValueFactory = _ => ConsoleRole.Admin.Name() };
        var days = new Option<int>("--days") { Description = $"Days until the token expires (1 to {ConsoleOptions.MaxTokenDays}).", DefaultValueFactory = _ => new ConsoleOptions().TokenDays };
        var create = new Command("create", "Make an API token and print it (the only time it is shown; only its hash is kept).") { name, role, days };
        create.SetAction(async (parse, _) =>
        {
            var n = parse.GetRequiredValue(name).Trim();
            if (n.Length is 0 or > 100 || n.Any(char.IsControl))
                return await LedgerSession.FailAsync("token create: give a name of 1 to 100 printable characters (what uses the token).");
            if (ConsoleRoles.Parse(parse.GetValue(role)) is not { } r)
                return await LedgerSession.FailAsync($"token create: --role '{parse.GetValue(role)}' is not a role; one of {ConsoleRoles.Expected}.");
            var d = parse.GetValue(days);
            if (d is < 1 or > ConsoleOptions.MaxTokenDays)
                return await LedgerSession.FailAsync($"token create: --days must be from 1 to {ConsoleOptions.MaxTokenDays}, not {d}.");
            var (store, audit) = Stores(parse.GetValue(data));
            var (record, token) = store.CreateToken(n, r, DateTimeOffset.UtcNow.AddDays(d), Actor);
            Audit(audit, "token.create", $"token '{n}' ({record.Id}) as {r.Name()}, expires {record.ExpiresAt:yyyy-MM-dd HH:mm}Z");
            await Console.Error.WriteLineAsync($"Token '{record.Name}' (id {record.Id}, {r.Name()}, expires {record.ExpiresAt:u}); use it as 'Authorization: Bearer <token>'. It is not shown again:");
            await Console.Out.WriteLineAsync(token);
            return 0;
        });

        var list = new Command("list", "List API tokens (ids, first characters, role, expiry, names; never the tokens).");
        list.SetAction(async (parse, _) =>
        {
            var now = DateTimeOffset.UtcNow;
            foreach (var t in Stores(parse.GetValue(data)).Store.Tokens)
                await Console.Out.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                    $"{t.Id}  {t.Prefix}…  {t.CreatedAt:u}  {t.Role.Name(),-10}  {(t.ExpiresAt is { } at ? (t.IsExpired(now) ? "expired " : "expires ") + at.ToString("u", CultureInfo.InvariantCulture) : "never expires")}  {t.Name}"));
            return 0;
        });

        var id = new Argument<string>("id") { Description = "The token's id (see 'token list')." };
        var revoke = new Command("revoke", "Revoke an API token; calls with it get 401 from then on.") { id };
        revoke.SetAction(async (parse, _) =>
        {
            var tokenId = parse.GetRequiredValue(id);
            var (store, audit) = Stores(parse.GetValue(data));
            if (!store.RevokeToken(tokenId))
                return await LedgerSession.FailAsync($"token revoke: there is no token '{tokenId}' (see 'autoresearch token list').");
            Audit(audit, "token.revoke", $"token {tokenId}");
            await Console.Out.WriteLineAsync($"Token {tokenId} revoked.");
            return 0;
        });

        return new Command("token", "API tokens for scripts that call the web console's API.") { create, list, revoke };
    }

    /// <summary><c>autoresearch user add NAME --role R</c> (password on standard input), <c>user list</c>, <c>user remove NAME</c>.</summary>
    public static Command Users(Option<string?> data)
    {
        var name = new Argument<string>("name") { Description = "The user's sign-in name." };
        var role = new Option<string>("--role") { Description = $"What the user may do: {ConsoleRoles.Expected}.", DefaultValueFactory = _ => ConsoleRole.Researcher.Name() };
        var add = new Command("add", "Add a user, or change one's role and password; the password is read from the first line of standard input.") { name, role };
        add.SetAction(async (parse, _) =>
        {
            var n = parse.GetRequiredValue(name).Trim();
            if (AccessOperations.NameProblem(n) is { } problem) return await LedgerSession.FailAsync($"user add: {problem}.");
            if (ConsoleRoles.Parse(parse.GetValue(role)) is not { } r)
                return await LedgerSession.FailAsync($"user add: --role '{parse.GetValue(role)}' is not a role; one of {ConsoleRoles.Expected}.");
            var password = (await Console.In.ReadLineAsync())?.TrimEnd('\r') ?? "";
            if (password.Length is < AccessOperations.MinPasswordLength or > AccessOperations.MaxPasswordLength)
                return await LedgerSession.FailAsync($"user add: give the password ({AccessOperations.MinPasswordLength} to {AccessOperations.MaxPasswordLength} characters) on standard input, e.g. 'read -rs P; echo \"$P\" | autoresearch user add {n}'.");
            var (store, audit) = Stores(parse.GetValue(data));
            var (user, created) = store.SaveUser(n, r, password, Actor)!.Value;
            Audit(audit, created ? "user.create" : "user.change", $"user '{user.Name}' as {r.Name()}{(created ? "" : ", new password")}");
            await Console.Out.WriteLineAsync($"User '{user.Name}' {(created ? "added" : "changed")}: {r.Name()}.{(created ? "" : " Their open sessions have ended.")}");
            return 0;
        });

        var list = new Command("list", "List users and their roles.");
        list.SetAction(async (parse, _) =>
        {
            foreach (var u in Stores(parse.GetValue(data)).Store.Users.OrderBy(u => u.Name, StringComparer.OrdinalIgnoreCase))
                await Console.Out.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"{u.Role.Name(),-10}  {u.CreatedAt:u}  {u.Name}"));
            return 0;
        });

        var gone = new Argument<string>("name") { Description = "The user to remove (see 'user list')." };
        var remove = new Command("remove", "Remove a user; the console refuses their sessions from then on.") { gone };
        remove.SetAction(async (parse, _) =>
        {
            var n = parse.GetRequiredValue(gone);
            var (store, audit) = Stores(parse.GetValue(data));
            if (!store.RemoveUser(n)) return await LedgerSession.FailAsync($"user remove: there is no user '{n}' (see 'autoresearch user list').");
            Audit(audit, "user.remove", $"user '{n}'");
            await Console.Out.WriteLineAsync($"User '{n}' removed.");
            return 0;
        });
        return new Command("user", "People who sign in to the web console, with their roles (viewer, researcher, admin).") { add, list, remove };
    }

    internal static string Actor => "cli:" + Environment.UserName;

    internal static void Audit(AuditLog audit, string operation, string detail) =>
        audit.Write(new AuditEntry { At = DateTimeOffset.UtcNow, Actor = Actor, Via = "cli", Action = operation, Detail = detail, Status = 200, Remote = "local" });

    internal static (CredentialStore Store, AuditLog Audit) Stores(string? dataDirectory)
    {
        var options = new AutoResearchOptions();
        if (!string.IsNullOrWhiteSpace(dataDirectory)) options.DataDirectory = dataDirectory;
        return (new CredentialStore(Options.Create(options)), new AuditLog(Path.Combine(options.FullDataDirectory, "console"), new ConsoleOptions().AuditEntriesPerFile));
    }
}
