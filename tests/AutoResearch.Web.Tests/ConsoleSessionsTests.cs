using AutoResearch.Host.Hosting;
using AutoResearch.Web.Security;
using Microsoft.Extensions.Options;

namespace AutoResearch.Web.Tests;

/// <summary>Server-side sign-in sessions as the console sees them across restarts: open ones stay open, ended ones stay ended.</summary>
public sealed class ConsoleSessionsTests : IDisposable
{
    private readonly string _data = Path.Combine(Path.GetTempPath(), "ar-sessions-" + Guid.NewGuid().ToString("N")[..8]);
    private readonly ManualClock _clock = new();

    [Fact]
    public void A_closed_session_stays_closed_after_a_restart_and_an_open_one_stays_open()
    {
        var before = Sessions();
        var kept = before.Open("admin");
        var ended = before.Open("admin");
        before.Close(ended);
        Assert.True(before.IsOpen(kept));
        Assert.False(before.IsOpen(ended));

        var after = Sessions();
        Assert.True(after.IsOpen(kept));
        Assert.False(after.IsOpen(ended));
        Assert.False(after.IsOpen(null));
        Assert.False(after.IsOpen("made-up"));
        if (!OperatingSystem.IsWindows())
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(_data, "console", "sessions.json")));
    }

    [Fact]
    public void A_session_unused_for_its_lifetime_ends_and_use_keeps_it_open()
    {
        var sessions = Sessions(TimeSpan.FromHours(1));
        var used = sessions.Open("admin");
        var idle = sessions.Open("admin");
        _clock.Advance(TimeSpan.FromMinutes(40));
        Assert.True(sessions.IsOpen(used));
        _clock.Advance(TimeSpan.FromMinutes(40));
        Assert.True(sessions.IsOpen(used));
        Assert.False(sessions.IsOpen(idle));
    }

    [Fact]
    public void Closing_all_sessions_ends_every_one()
    {
        var sessions = Sessions();
        var ids = Enumerable.Range(0, 3).Select(_ => sessions.Open("admin")).ToList();
        sessions.CloseAll();
        Assert.All(ids, id => Assert.False(Sessions().IsOpen(id)));
        Assert.Equal(0, sessions.Count);
    }

    [Fact]
    public void A_damaged_sessions_file_drops_the_damaged_entries_and_keeps_the_readable_ones()
    {
        var kept = Sessions().Open("admin");
        var file = Path.Combine(_data, "console", "sessions.json");
        var text = File.ReadAllText(file).TrimEnd();
        // A null entry and an entry without an id, as a hand edit or a half-written file could leave them.
        File.WriteAllText(file, text[..^1].TrimEnd() + ", null, {\"name\": \"admin\"}]");

        var after = Sessions();
        Assert.True(after.IsOpen(kept));
        Assert.False(after.IsOpen(""));
        Assert.Equal(1, after.Count);
        after.Open("admin");
        Assert.Equal(2, Sessions().Count);
    }

    [Fact]
    public void An_unreadable_sessions_file_ends_every_session_instead_of_failing_each_request()
    {
        var id = Sessions().Open("admin");
        File.WriteAllText(Path.Combine(_data, "console", "sessions.json"), "[{\"id\": 5, ");
        var after = Sessions();
        Assert.False(after.IsOpen(id));
        Assert.Equal(0, after.Count);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("a-configured-password")]
    public async Task Deleting_the_credentials_file_to_reset_the_password_ends_the_sessions_signed_in_before(string? configured)
    {
        var options = Options.Create(new AutoResearchOptions { DataDirectory = _data });
        var console = Options.Create(new ConsoleOptions { AdminPassword = "the-first-password" });
        var sessions = Sessions();
        await new AdminPasswordSetup(new CredentialStore(options), sessions, console, Microsoft.Extensions.Logging.Abstractions.NullLogger<AdminPasswordSetup>.Instance)
            .StartAsync(CancellationToken.None);
        var before = sessions.Open("admin");
        Assert.True(sessions.IsOpen(before));

        File.Delete(new CredentialStore(options).FilePath);
        var restarted = Sessions();
        Assert.True(restarted.IsOpen(before));
        var credentials = new CredentialStore(options);
        await new AdminPasswordSetup(credentials, restarted, Options.Create(new ConsoleOptions { AdminPassword = configured }),
            Microsoft.Extensions.Logging.Abstractions.NullLogger<AdminPasswordSetup>.Instance).StartAsync(CancellationToken.None);

        Assert.True(credentials.HasAdminPassword);
        Assert.False(restarted.IsOpen(before));
        Assert.False(Sessions().IsOpen(before));
    }

    private ConsoleSessions Sessions(TimeSpan? lifetime = null) => new(
        Options.Create(new AutoResearchOptions { DataDirectory = _data }),
        Options.Create(new ConsoleOptions { SessionLifetime = lifetime ?? TimeSpan.FromHours(12) }),
        _clock);

    private sealed class ManualClock : TimeProvider
    {
        private DateTimeOffset _now = new(2026, 12, 4, 22, 0, 0, TimeSpan.Zero);

        public override DateTimeOffset GetUtcNow() => _now;

        public void Advance(TimeSpan by) => _now += by;
    }

    public void Dispose()
    {
        if (Directory.Exists(_data)) Directory.Delete(_data, recursive: true);
    }
}
