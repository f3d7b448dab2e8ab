using System.Security.Cryptography;
using System.Text.Json;
using AutoResearch.Host.Hosting;
using Microsoft.Extensions.Options;

namespace AutoResearch.Web.Security;

/// <summary>
/// Server-side sign-in sessions. The sign-in cookie carries a random session id (<see cref="ConsoleAuth.SessionClaim"/>);
/// a cookie is accepted only while its session is open here, so signing out ends the session for every copy of the cookie.
/// Open sessions are kept in <c>&lt;data&gt;/console/sessions.json</c> (owner-only, replaced atomically), so a restart
/// keeps people signed in and does not bring back a session that was ended. A session unused for the
/// <see cref="ConsoleOptions.SessionLifetime"/> is closed too.
/// </summary>
public sealed class ConsoleSessions
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };
    private static readonly TimeSpan SaveLastSeenEvery = TimeSpan.FromMinutes(5);
    private readonly Lock _lock = new();
    private readonly string _path;
    private readonly TimeSpan _lifetime;
    private readonly TimeProvider _clock;
    private readonly Dictionary<string, Session> _open = new(StringComparer.Ordinal);

    /// <summary>When the sessions were last written (last-seen times are written at most every <see cref="SaveLastSeenEvery"/>).</summary>
    private DateTimeOffset _lastSaved;

    public ConsoleSessions(IOptions<AutoResearchOptions> options, IOptions<ConsoleOptions> console, TimeProvider clock)
    {
        _path = Path.Combine(options.Value.FullDataDirectory, "console", "sessions.json");
        _lifetime = console.Value.SessionLifetime;
        _clock = clock;
        if (File.Exists(_path))
        {
            try
            {
                // A damaged entry (null, no id) is dropped: it cannot match any cookie.
                foreach (var s in JsonSerializer.Deserialize<List<Session?>>(File.ReadAllText(_path), Json) ?? [])
                    if (s is { Id.Length: > 0 }) _open[s.Id] = s;
            }
            catch (Exception e) when (e is JsonException or NotSupportedException or IOException or UnauthorizedAccessException)
            {
                // An unreadable file ends every session: people sign in again.
                _open.Clear();
            }
        }
    }

    /// <summary>Opens a session; its id goes into the sign-in cookie.</summary>
    public string Open(string name)
    {
        var now = _clock.GetUtcNow();
        var session = new Session(Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24)), name, now, now);
        lock (_lock)
        {
            Prune(now);
            _open[session.Id] = session;
            Save();
        }
        return session.Id;
    }

    /// <summary>Whether <paramref name="id"/> is an open session (and marks it used).</summary>
    public bool IsOpen(string? id)
    {
        if (string.IsNullOrEmpty(id)) return false;
        var now = _clock.GetUtcNow();
        lock (_lock)
        {
            if (!_open.TryGetValue(id, out var session)) return false;
            if (now - session.LastSeen > _lifetime)
            {
                _open.Remove(id);
                Save();
                return false;
            }
            if (now - session.LastSeen > TimeSpan.FromSeconds(30))
            {
                _open[id] = session with { LastSeen = now };
                if (now - _lastSaved > SaveLastSeenEvery) Save();
            }
            return true;
        }
    }

    /// <summary>Ends the session: no copy of its cookie is accepted any more.</summary>
    public void Close(string? id)
    {
        if (string.IsNullOrEmpty(id)) return;
        lock (_lock)
        {
            if (_open.Remove(id)) Save();
        }
    }

    /// <summary>Ends every session of <paramref name="name"/> (the user was removed or given a new password).</summary>
    public void CloseFor(string name)
    {
        lock (_lock)
        {
            var ended = _open.Values.Where(s => string.Equals(s.Name, name, StringComparison.OrdinalIgnoreCase)).Select(s => s.Id).ToList();
            foreach (var id in ended) _open.Remove(id);
            if (ended.Count > 0) Save();
        }
    }

    /// <summary>Ends every session (the admin password changed).</summary>
    public void CloseAll()
    {
        lock (_lock)
        {
            _open.Clear();
            Save();
        }
    }

    public int Count
    {
        get
        {
            lock (_lock) return _open.Count;
        }
    }

    private void Prune(DateTimeOffset now)
    {
        foreach (var stale in _open.Values.Where(s => now - s.LastSeen > _lifetime).Select(s => s.Id).ToList())
            _open.Remove(stale);
    }

    private void Save()
    {
        _lastSaved = _clock.GetUtcNow();
        Directory.CreateDirectory(Path.GetDirectoryName(_path)!);
        var temp = _path + ".tmp";
        File.WriteAllText(temp, JsonSerializer.Serialize(_open.Values.ToList(), Json));
        if (!OperatingSystem.IsWindows())
            File.SetUnixFileMode(temp, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        File.Move(temp, _path, overwrite: true);
    }

    private sealed record Session(string Id, string Name, DateTimeOffset CreatedAt, DateTimeOffset LastSeen);
}
