using System.Formats.Tar;
using System.Text;

namespace AutoResearch.Sandboxes.Tests;

public sealed class ArtifactExtractorTests
{
    [Fact]
    public async Task Copies_files_and_folders_and_skips_links_and_escapes()
    {
        using var tar = new MemoryStream();
        using (var writer = new TarWriter(tar, TarEntryFormat.Pax, leaveOpen: true))
        {
            writer.WriteEntry(new PaxTarEntry(TarEntryType.Directory, "out/"));
            writer.WriteEntry(File("out/model.txt", "weights"));
            writer.WriteEntry(new PaxTarEntry(TarEntryType.Directory, "out/sub/"));
            writer.WriteEntry(File("out/sub/log.txt", "log"));
            writer.WriteEntry(new PaxTarEntry(TarEntryType.SymbolicLink, "out/passwd") { LinkName = "/etc/passwd" });
            writer.WriteEntry(File("out/../../escape.txt", "evil"));
            writer.WriteEntry(File("out/big.bin", new string('z', 100)));
        }

        tar.Position = 0;
        var target = Path.Combine(Path.GetTempPath(), "ar-artifacts-" + Guid.NewGuid().ToString("N"));
        try
        {
            var outcome = await ArtifactExtractor.ExtractAsync(tar, target, maxBytes: 50, CancellationToken.None);

            Assert.Equal("weights", System.IO.File.ReadAllText(Path.Combine(target, "model.txt")));
            Assert.Equal("log", System.IO.File.ReadAllText(Path.Combine(target, "sub", "log.txt")));
            Assert.False(System.IO.File.Exists(Path.Combine(target, "passwd")));
            Assert.False(System.IO.File.Exists(Path.Combine(target, "big.bin")));
            Assert.False(System.IO.File.Exists(Path.GetFullPath(Path.Combine(target, "..", "escape.txt"))));
            Assert.Equal(2, outcome.Files);
            Assert.Equal(3, outcome.Skipped.Count);
        }
        finally
        {
            Directory.Delete(target, recursive: true);
        }
    }

    [Fact]
    public async Task Caps_files_per_run_and_records_the_truncation_with_counts()
    {
        using var tar = Tar(Enumerable.Range(0, 25).Select(i => ($"out/f{i:00}.txt", "abc")).ToArray());
        var target = Target();
        try
        {
            var outcome = new ArtifactCopyOutcome();
            await ArtifactExtractor.ExtractAsync(tar, target, new ArtifactBudget(maxFiles: 10, maxBytes: 1000), outcome, CancellationToken.None);

            Assert.Equal(10, Directory.GetFiles(target).Length);
            Assert.Equal((10, 30L), (outcome.Files, outcome.Bytes));
            Assert.True(outcome.Truncated);
            Assert.Equal(ArtifactLimit.RunFiles, outcome.Limit);
            Assert.Equal(15, outcome.SkippedByLimit);
            Assert.Equal(15, outcome.SkippedCount);
            Assert.Equal(10, outcome.Skipped.Count); // the list is capped; the count is not
        }
        finally
        {
            Directory.Delete(target, recursive: true);
        }
    }

    [Fact]
    public async Task A_campaign_cap_spans_runs()
    {
        var usage = new CampaignArtifactUsage();
        var targets = new[] { Target(), Target() };
        try
        {
            var outcomes = new List<ArtifactCopyOutcome>();
            foreach (var target in targets)
            {
                using var tar = Tar(Enumerable.Range(0, 6).Select(i => ($"out/f{i}.bin", "0123456789")).ToArray());
                var outcome = new ArtifactCopyOutcome();
                var budget = new ArtifactBudget(100, 1000, usage.For("campaign-a"), campaignMaxFiles: 100, campaignMaxBytes: 95);
                await ArtifactExtractor.ExtractAsync(tar, target, budget, outcome, CancellationToken.None);
                outcomes.Add(outcome);
            }

            Assert.False(outcomes[0].Truncated);
            Assert.Equal(6, outcomes[0].Files);
            Assert.Equal(ArtifactLimit.CampaignBytes, outcomes[1].Limit);
            Assert.Equal(3, outcomes[1].Files);
            Assert.Equal((9L, 90L), (usage.For("campaign-a").Files, usage.For("campaign-a").Bytes));
            Assert.Equal(0, usage.For("campaign-b").Files);
        }
        finally
        {
            foreach (var target in targets)
            {
                Directory.Delete(target, recursive: true);
            }
        }
    }

    [Fact]
    public async Task Names_lose_control_characters_escapes_and_bidi_overrides_and_collisions_are_skipped()
    {
        // GNU headers, as Docker writes short ASCII names (.NET's reader rejects a PAX record holding a newline).
        using var tar = TarOf(TarEntryFormat.Gnu,
            ("out/line\nbreak.txt", "1"),
            ("out/esc\u001b]0;pwned\u0007.txt", "2"),
            ("out/rtl\u202Etxt.exe", "3"),
            ("out/dir\tx/inner\rname", "4"),
            ("out/line_break.txt", "5"));
        var target = Target();
        try
        {
            var outcome = new ArtifactCopyOutcome();
            await ArtifactExtractor.ExtractAsync(tar, target, new ArtifactBudget(100, 1000), outcome, CancellationToken.None);

            var names = Directory.EnumerateFiles(target, "*", SearchOption.AllDirectories)
                .Select(f => Path.GetRelativePath(target, f).Replace('\\', '/')).Order(StringComparer.Ordinal).ToList();
            Assert.Equal(["dir_x/inner_name", "esc_]0;pwned_.txt", "line_break.txt", "rtl_txt.exe"], names);
            Assert.Equal("1", System.IO.File.ReadAllText(Path.Combine(target, "line_break.txt")));
            var collision = Assert.Single(outcome.Skipped);
            Assert.Equal("line_break.txt (its name collides with another artifact's after sanitizing)", collision);
            Assert.False(outcome.Truncated);
        }
        finally
        {
            Directory.Delete(target, recursive: true);
        }
    }

    [Theory]
    [InlineData("a\nb", "a_b")]
    [InlineData("\u001b[2J\u001b[H", "_[2J_[H")]
    [InlineData("..", "_")]
    [InlineData("", "_")]
    [InlineData("caf\u00e9 \U0001F600.txt", "caf\u00e9 \U0001F600.txt")]
    [InlineData("zero\u200Bwidth\u0085nel", "zero_width_nel")]
    public void Segments_are_sanitized(string raw, string expected) => Assert.Equal(expected, ArtifactNames.SanitizeSegment(raw));

    [Fact]
    public void Long_segments_are_cut_to_255_bytes_on_a_character_boundary()
    {
        var clean = ArtifactNames.SanitizeSegment(new string('\u00e9', 200));
        Assert.Equal(127, clean.Length);
        Assert.True(System.Text.Encoding.UTF8.GetByteCount(clean) <= 255);
    }

    private static string Target() => Path.Combine(Path.GetTempPath(), "ar-artifacts-" + Guid.NewGuid().ToString("N"));

    private static MemoryStream Tar(params (string Name, string Content)[] files) => TarOf(TarEntryFormat.Pax, files);

    private static MemoryStream TarOf(TarEntryFormat format, params (string Name, string Content)[] files)
    {
        var tar = new MemoryStream();
        using (var writer = new TarWriter(tar, format, leaveOpen: true))
        {
            writer.WriteEntry(format == TarEntryFormat.Gnu ? new GnuTarEntry(TarEntryType.Directory, "out/") : new PaxTarEntry(TarEntryType.Directory, "out/"));
            foreach (var (name, content) in files)
            {
                var data = new MemoryStream(Encoding.UTF8.GetBytes(content));
                writer.WriteEntry(format == TarEntryFormat.Gnu
                    ? new GnuTarEntry(TarEntryType.RegularFile, name) { DataStream = data }
                    : new PaxTarEntry(TarEntryType.RegularFile, name) { DataStream = data });
            }
        }

        tar.Position = 0;
        return tar;
    }

    private static PaxTarEntry File(string name, string content) =>
        new(TarEntryType.RegularFile, name) { DataStream = new MemoryStream(Encoding.UTF8.GetBytes(content)) };
}
