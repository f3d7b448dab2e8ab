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

    private static PaxTarEntry File(string name, string content) =>
        new(TarEntryType.RegularFile, name) { DataStream = new MemoryStream(Encoding.UTF8.GetBytes(content)) };
}
