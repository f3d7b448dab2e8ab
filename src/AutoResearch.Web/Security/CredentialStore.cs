using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using AutoResearch.Host.Hosting;
using Microsoft.Extensions.Options;

namespace AutoResearch.Web.Security;

/// <summary>
/// The console's admin password hash, its users (name, role, password hash) and API token hashes (with role and expiry), in <c>&lt;data&gt;/console/credentials.json</c> (owner-only
/// permissions, replaced atomically). Tokens are random 256-bit values shown once; only their SHA-256 is kept. The file is
/// re-read whenever another process (<c>autoresearch token</c>) has replaced it, so a running console sees new and revoked
/// tokens at once and never writes back a stale copy.
/// </summary>
public sealed class CredentialStore
{
    /// <summary>Every token starts with this, so secret scanners and people recognise one.</summary>
    public const string TokenPrefix = "art_";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };
    private readonly Lock _lock = new();
    private readonly string _path;
    private Credentials _credentials = new();
    private DateTime _loadedWriteTime;

    public CredentialStore(IOptions<AutoResearchOptions> options)
    {
        _path = Path.Combine(options.Value.FullDataDirectory, "console", "credentials.json");
        lock (_lock) Refresh();
    }

    public string FilePath => _path;

    public bool HasAdminPassword
    {
        get
        {
            lock (_lock)
            {
                Refresh();
                return _credentials.AdminPasswordHash is not null;
            }
        }
    }

    /// <summary>Stores the hash of <paramref name="password"/> as the admin password.</summary>
    public void SetAdminPassword(string password)
    {
        var hash = PasswordHash.Create(password);
        lock (_lock)
        {
            Refresh();
            _credentials = _credentials with { AdminPasswordHash = hash };
            Save();
        }
    }

    public bool VerifyAdminPassword(string password)
    {
        string? hash;
        lock (_lock)
        {
            Refresh();
            hash = _credentials.AdminPasswordHash;
        }
        return hash is not null && PasswordHash.Verify(password, hash);
    }

    /// <summary>
    /// A new token named <paramref name="name"/> with <paramref name="role"/>, answering 401 after <paramref name="expiresAt"/>
    /// (null: never): its record, and the token itself (the only time it is seen).
    /// </summary>
    public (ApiTokenRecord Record, string Token) CreateToken(string name, ConsoleRole role = ConsoleRole.Admin, DateTimeOffset? expiresAt = null, string? createdBy = null)
    {
        var token = TokenPrefix + Base64Url(RandomNumberGenerator.GetBytes(32));
        var record = new ApiTokenRecord
        {
            Id = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6)),
            Name = name,
            Hash = HashToken(token),
            Prefix = token[..(TokenPrefix.Length + 6)],
            CreatedAt = DateTimeOffset.UtcNow,
            Role = role,
            ExpiresAt = expiresAt,
            CreatedBy = createdBy,
        };
        lock (_lock)
        {
            Refresh();
            _credentials = _credentials with { Tokens = [.. _credentials.Tokens, record] };
            Save();
        }
        return (record, token);
    }

    /// <summary>Removes the token with <paramref name="id"/>; false when there is none.</summary>
    public bool RevokeToken(string id)
    {
        lock (_lock)
        {
            Refresh();
            var left = _credentials.Tokens.Where(t => t.Id != id).ToList();
            if (left.Count == _credentials.Tokens.Count) return false;
            _credentials = _credentials with { Tokens = left };
            Save();
            return true;
        }
    }

    public IReadOnlyList<ApiTokenRecord> Tokens
    {
        get
        {
            lock (_lock)
            {
                Refresh();
                return [.. _credentials.Tokens];
            }
        }
    }

    public IReadOnlyList<ConsoleUser> Users
    {
        get
        {
            lock (_lock)
            {
                Refresh();
                return [.. _credentials.Users];
            }
        }
    }

    /// <summary>The user named <paramref name="name"/> (case-insensitive); null when there is none.</summary>
    public ConsoleUser? FindUser(string name)
    {
        lock (_lock)
        {
            Refresh();
            return _credentials.Users.FirstOrDefault(u => string.Equals(u.Name, name, StringComparison.OrdinalIgnoreCase));
        }
    }

    /// <summary>
    /// Adds a user, or for an existing name changes its role and, when <paramref name="password"/> is given, its password.
    /// Answers the stored user and whether it is new; null when the name is new and no password was given.
    /// </summary>
    public (ConsoleUser User, bool Created)? SaveUser(string name, ConsoleRole role, string? password, string? by)
    {
        var hash = password is null ? null : PasswordHash.Create(password);
        lock (_lock)
        {
            Refresh();
            var existing = _credentials.Users.FirstOrDefault(u => string.Equals(u.Name, name, StringComparison.OrdinalIgnoreCase));
            if (existing is null && hash is null) return null;
            var now = DateTimeOffset.UtcNow;
            var user = existing is null
                ? new ConsoleUser { Name = name, Role = role, PasswordHash = hash!, CreatedAt = now, CreatedBy = by, PasswordSetAt = now }
                : existing with { Role = role, PasswordHash = hash ?? existing.PasswordHash, PasswordSetAt = hash is null ? existing.PasswordSetAt : now };
            _credentials = _credentials with { Users = [.. _credentials.Users.Where(u => u != existing), user] };
            Save();
            return (user, existing is null);
        }
    }

    /// <summary>Removes the user named <paramref name="name"/>; false when there is none.</summary>
    public bool RemoveUser(string name)
    {
        lock (_lock)
        {
            Refresh();
            var left = _credentials.Users.Where(u => !string.Equals(u.Name, name, StringComparison.OrdinalIgnoreCase)).ToList();
            if (left.Count == _credentials.Users.Count) return false;
            _credentials = _credentials with { Users = left };
            Save();
            return true;
        }
    }

    /// <summary>
    /// Whom <paramref name="name"/> and <paramref name="password"/> sign in as (the name as stored, and its role): the admin
    /// password for <see cref="ConsoleAuth.AdminName"/> (or an empty name), else a user's; null when they do not match.
    /// </summary>
    public (string Name, ConsoleRole Role)? VerifySignIn(string? name, string password)
    {
        name = string.IsNullOrWhiteSpace(name) ? ConsoleAuth.AdminName : name.Trim();
        if (string.Equals(name, ConsoleAuth.AdminName, StringComparison.OrdinalIgnoreCase))
            return VerifyAdminPassword(password) ? (ConsoleAuth.AdminName, ConsoleRole.Admin) : null;
        return FindUser(name) is { } user && PasswordHash.Verify(password, user.PasswordHash) ? (user.Name, user.Role) : null;
    }

    /// <summary>
    /// The current role of a signed-in name (the admin, or a user); null when the user is gone, or when their password was
    /// set after <paramref name="signedInAt"/> (a new password ends the sessions opened with the old one).
    /// </summary>
    public ConsoleRole? RoleOf(string name, DateTimeOffset? signedInAt = null)
    {
        if (string.Equals(name, ConsoleAuth.AdminName, StringComparison.Ordinal)) return ConsoleRole.Admin;
        if (FindUser(name) is not { } user) return null;
        return signedInAt is { } at && user.PasswordSetAt is { } set && set > at ? null : user.Role;
    }

    /// <summary>The token's record when <paramref name="token"/> is a current token; null otherwise.</summary>
    public ApiTokenRecord? FindToken(string token)
    {
        if (!token.StartsWith(TokenPrefix, StringComparison.Ordinal) || token.Length > 200) return null;
        var hash = Encoding.ASCII.GetBytes(HashToken(token));
        lock (_lock)
        {
            Refresh();
            return _credentials.Tokens.FirstOrDefault(t => CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(t.Hash), hash));
        }
    }

    private static string HashToken(string token) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    /// <summary>Re-reads the file when it changed since it was last read or written here (call under the lock).</summary>
    private void Refresh()
    {
        var stamp = File.Exists(_path) ? File.GetLastWriteTimeUtc(_path) : default;
        if (stamp == _loadedWriteTime) return;
        try
        {
            _credentials = stamp == default ? new Credentials() : JsonSerializer.Deserialize<Credentials>(File.ReadAllText(_path), Json) ?? new Credentials();
        }
        catch (JsonException ex)
        {
            throw new InvalidOperationException(
                $"{_path} is not a valid credentials file ({ex.Message}). Fix it, or delete it and set the admin password again ({ConsoleApp.AdminPasswordVariable}); its API tokens are then gone.", ex);
        }
        _loadedWriteTime = stamp;
    }

    private void Save()
    {
        Directory.CreateDirectory(Path.GetDirectoryName(_path)!);
        var temp = _path + ".tmp";
        File.WriteAllText(temp, JsonSerializer.Serialize(_credentials, Json));
        if (!OperatingSystem.IsWindows())
            File.SetUnixFileMode(temp, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        File.Move(temp, _path, overwrite: true);
        _loadedWriteTime = File.GetLastWriteTimeUtc(_path);
    }
}
