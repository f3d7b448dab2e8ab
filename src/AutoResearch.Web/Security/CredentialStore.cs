using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using AutoResearch.Host.Hosting;
using Microsoft.Extensions.Options;

namespace AutoResearch.Web.Security;

/// <summary>
/// The console's admin password hash and API token hashes, in <c>&lt;data&gt;/console/credentials.json</c> (owner-only
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

    /// <summary>A new token named <paramref name="name"/>: its record, and the token itself (the only time it is seen).</summary>
    public (ApiTokenRecord Record, string Token) CreateToken(string name)
    {
        var token = TokenPrefix + Base64Url(RandomNumberGenerator.GetBytes(32));
        var record = new ApiTokenRecord
        {
            Id = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6)),
            Name = name,
            Hash = HashToken(token),
            Prefix = token[..(TokenPrefix.Length + 6)],
            CreatedAt = DateTimeOffset.UtcNow,
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
