using System.Formats.Tar;
using System.Text;
using AutoResearch.Abstractions.Experiments;
using AutoResearch.Abstractions.Specs;

namespace AutoResearch.Sandboxes.Tests;

public sealed class WorkspaceArchiveTests
{
    [Fact]
    public void Archive_holds_files_edits_params_and_out_owned_by_the_sandbox_user()
    {
        using var bench = new TestBenchmark(("train.py", "print('original')"), ("lib/util.py", "X = 1"), ("data/a/b.txt", "deep"));
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(Path.Combine(bench.Directory, "train.py"), UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        var request = Request(bench, ["train.py", "lib", "data/a/b.txt"]) with
        {
            EditedFiles = new Dictionary<string, string> { ["train.py"] = "print('edited')", ["./lib//new.py"] = "Y = 2" },
        };

        var entries = Read(request, "{\"lr\": 0.1}"u8.ToArray());

        Assert.Equal(
            ["data/", "data/a/", "lib/", "out/", "data/a/b.txt", "lib/new.py", "lib/util.py", "params.json", "train.py"],
            entries.Keys);
        Assert.All(entries.Values, e => Assert.Equal((1000, 1000), (e.Uid, e.Gid)));
        Assert.Equal("print('edited')", entries["train.py"].Content);
        Assert.Equal("{\"lr\": 0.1}", entries["params.json"].Content);
        Assert.Equal("deep", entries["data/a/b.txt"].Content);
        Assert.Equal(!OperatingSystem.IsWindows(), entries["train.py"].Mode.HasFlag(UnixFileMode.UserExecute));
        Assert.False(entries["lib/util.py"].Mode.HasFlag(UnixFileMode.UserExecute));
        Assert.Equal(TarEntryType.Directory, entries["out/"].Type);
    }

    [Theory]
    [InlineData("../escape.py")]
    [InlineData("/etc/passwd")]
    [InlineData("a/../../b")]
    [InlineData("")]
    public void Edited_paths_must_stay_inside_the_work_directory(string path)
    {
        using var bench = new TestBenchmark(("train.py", "x"));
        var request = Request(bench, ["train.py"]) with { EditedFiles = new Dictionary<string, string> { [path] = "evil" } };

        Assert.Throws<ArgumentException>(() => Read(request, []));
    }

    [Fact]
    public void Missing_benchmark_file_is_reported()
    {
        using var bench = new TestBenchmark();
        Assert.Throws<FileNotFoundException>(() => Read(Request(bench, ["nope.py"]), []));
    }

    [Fact]
    public void Symlinks_leaving_the_benchmark_folder_are_refused()
    {
        using var bench = new TestBenchmark(("train.py", "x"));
        File.CreateSymbolicLink(Path.Combine(bench.Directory, "secret"), "/etc/hostname");

        Assert.Throws<ArgumentException>(() => Read(Request(bench, ["secret"]), []));
    }

    private static SandboxRequest Request(TestBenchmark bench, List<string> files) => new()
    {
        CampaignId = "c",
        ExperimentId = "e",
        Parameters = [],
        Benchmark = new BenchmarkSpec
        {
            Name = "b",
            Directory = bench.Directory,
            Image = "img",
            Command = ["true"],
            Files = files,
            Metric = new MetricSpec { Name = "loss", Direction = Direction.Minimize },
            TimeLimit = TimeSpan.FromMinutes(1),
        },
    };

    private static Dictionary<string, (TarEntryType Type, int Uid, int Gid, UnixFileMode Mode, string? Content)> Read(SandboxRequest request, byte[] paramsJson)
    {
        using var stream = new MemoryStream();
        WorkspaceArchive.Write(stream, request, paramsJson, 1000, 1000);
        stream.Position = 0;
        var result = new Dictionary<string, (TarEntryType, int, int, UnixFileMode, string?)>();
        using var reader = new TarReader(stream);
        while (reader.GetNextEntry() is { } entry)
        {
            string? content = null;
            if (entry.DataStream is { } data)
            {
                using var text = new StreamReader(data, Encoding.UTF8);
                content = text.ReadToEnd();
            }

            result.Add(entry.Name, (entry.EntryType, entry.Uid, entry.Gid, entry.Mode, content));
        }

        return result;
    }
}
