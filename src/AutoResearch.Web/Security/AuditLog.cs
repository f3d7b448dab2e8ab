using System.Text.Json;
using AutoResearch.Host.Hosting;
using Microsoft.Extensions.Options;

namespace AutoResearch.Web.Security;

/// <summary>
/// The console's audit log: one JSON line per change in <c>&lt;data&gt;/console/audit.jsonl</c> (owner-only), beside the
/// credentials and sessions. Bounded: when the file holds <see cref="ConsoleOptions.AuditEntriesPerFile"/> entries it
/// becomes <c>audit.1.jsonl</c> (replacing the one before), so at most twice that many are kept. Reads are newest first and
/// paged; the files are re-read only when they changed (another process, such as <c>autoresearch user</c>, may append).
/// </summary>
public sealed class AuditLog
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private readonly Lock _lock = new();
    private readonly string _path;
    private readonly string _previous;
    private readonly int _perFile;
    private (long Length, DateTime Written, long PreviousLength) _stamp = (-1, default, -1);
    private List<AuditEntry> _entries = [];
    private int _currentCount = -1;

    public AuditLog(IOptions<AutoResearchOptions> options, IOptions<ConsoleOptions> console)
        : this(Path.Combine(options.Value.FullDataDirectory, "console"), console.Value.AuditEntriesPerFile)
    {
    }

    public AuditLog(string folder, int entriesPerFile)
    {
        _path = Path.Combine(folder, "audit.jsonl");
        _previous = Path.Combine(folder, "audit.1.jsonl");
        _perFile = entriesPerFile;
    }

    public string FilePath => _path;

    /// <summary>Appends <paramref name="entry"/> (rotating the file first when it is full).</summary>
    public void Write(AuditEntry entry)
    {
        var line = JsonSerializer.Serialize(entry, Json) + "\n";
        lock (_lock)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(_path)!);
            if (_currentCount < 0) _currentCount = File.Exists(_path) ? File.ReadLines(_path).Count() : 0;
            if (_currentCount >= _perFile)
            {
                File.Move(_path, _previous, overwrite: true);
                _currentCount = 0;
            }
            var isNew = !File.Exists(_path);
            // A line left unfinished (a crash mid-write) stays a line of its own, skipped when read.
            File.AppendAllText(_path, !isNew && !EndsWithNewline(_path) ? "\n" + line : line);
            if (isNew && !OperatingSystem.IsWindows())
                File.SetUnixFileMode(_path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            _currentCount++;
        }
    }

    /// <summary>Entries newest first, from <paramref name="offset"/>, at most <paramref name="limit"/>; and how many there are.</summary>
    public (IReadOnlyList<AuditEntry> Entries, int Total) Read(int offset, int limit)
    {
        lock (_lock)
        {
            var stamp = (Length(_path), File.Exists(_path) ? File.GetLastWriteTimeUtc(_path) : default, Length(_previous));
            if (stamp != _stamp)
            {
                var all = Lines(_previous).Concat(Lines(_path)).ToList();
                all.Reverse();
                _entries = all;
                _stamp = stamp;
            }
            return ([.. _entries.Skip(offset).Take(limit)], _entries.Count);
        }
    }

    private static bool EndsWithNewline(string path)
    {
        using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        if (file.Length == 0) return true;
        file.Seek(-1, SeekOrigin.End);
        return file.ReadByte() == '\n';
    }

    private static long Length(string path) => File.Exists(path) ? new FileInfo(path).Length : -1;

    /// <summary>A file's entries, oldest first; a damaged line (a crash mid-write) is skipped.</summary>
    private static IEnumerable<AuditEntry> Lines(string path)
    {
        if (!File.Exists(path)) yield break;
        foreach (var line in File.ReadLines(path))
        {
            AuditEntry? entry;
            try
            {
                entry = line.Length == 0 ? null : JsonSerializer.Deserialize<AuditEntry>(line, Json);
            }
            catch (JsonException)
            {
                entry = null;
            }
            if (entry is not null) yield return entry;
        }
    }
}
