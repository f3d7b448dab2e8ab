using AutoResearch.Web.Security;

namespace AutoResearch.Web.Tests;

/// <summary>The audit log's files: newest first, paged, bounded by rotation, readable after a crash mid-line.</summary>
public sealed class AuditLogTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "ar-audit-" + Guid.NewGuid().ToString("N")[..8]);

    [Fact]
    public void Entries_come_newest_first_in_pages_and_at_most_two_files_are_kept()
    {
        var log = new AuditLog(_folder, entriesPerFile: 10);
        for (var i = 0; i < 25; i++) log.Write(Entry(i));

        var (first, total) = log.Read(0, 3);
        Assert.Equal(15, total); // 25 written: the oldest file (0-9) was dropped, 10-19 rotated, 20-24 current
        Assert.Equal(["POST /x/24", "POST /x/23", "POST /x/22"], first.Select(e => e.Action));
        var (last, _) = log.Read(12, 10);
        Assert.Equal(["POST /x/12", "POST /x/11", "POST /x/10"], last.Select(e => e.Action));
        Assert.True(File.Exists(Path.Combine(_folder, "audit.1.jsonl")));
        if (!OperatingSystem.IsWindows())
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(log.FilePath));

        // Another process appends (the CLI), and a line half written by a crash is skipped.
        File.AppendAllText(log.FilePath, "{\"at\":\"2026-");
        new AuditLog(_folder, entriesPerFile: 10).Write(Entry(99));
        Assert.Equal("POST /x/99", log.Read(0, 1).Entries.Single().Action);
    }

    private static AuditEntry Entry(int i) => new() { At = DateTimeOffset.UtcNow, Actor = "admin", Action = $"POST /x/{i}", Status = 200 };

    public void Dispose()
    {
        if (Directory.Exists(_folder)) Directory.Delete(_folder, recursive: true);
    }
}
