using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using AutoResearch.Abstractions.Experiments;
using AutoResearch.Abstractions.Journal;
using AutoResearch.Abstractions.Specs;
using Xunit.Abstractions;

namespace AutoResearch.EndToEnd.Tests;

/// <summary>
/// <c>autoresearch journal</c> and <c>autoresearch note</c> as processes, against a ledger seeded through the ledger API
/// (no campaign runs, no Docker).
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed partial class JournalCommandTests(ITestOutputHelper output)
{
    private const string CampaignId = "digits-20260101-010000";
    private const string OtherCampaignId = "other-20260101-020000";
    private static readonly TimeSpan Limit = TimeSpan.FromMinutes(1);
    private static readonly DateTimeOffset Start = new(2026, 1, 1, 1, 0, 0, TimeSpan.Zero);

    private static readonly string LongText =
        "The wider network helps only with a smaller learning rate: at hidden=256 the loss curve flattens after step 40 " +
        "and the validation error stays near 0.41, while hidden=128 with lr=0.015 reaches 0.40 sooner. " +
        "Next: try weight decay 1e-4 and keep the width; see https://example.org/a/very/long/path/that/does/not/fit/on/one/line/of/the/terminal/at/all/really\n" +
        "Second paragraph: “quotes”, naïve <b>markup</b> & [brackets] stay as written.";

    [Fact]
    public async Task Note_appends_a_note_and_journal_prints_it_with_author_kind_and_experiment()
    {
        await using var data = new TestData();
        var seeded = await SeedAsync(data);

        var (exit, stdout, stderr) = await RunAsync(data, "note", CampaignId, "Try a smaller batch next.", "--author", "alice", "--experiment", "3");
        Assert.True(exit == 0, stderr);
        var journal = await data.Journal.ReadAsync(CampaignId);
        Assert.Equal(seeded.Count + 1, journal.Count);
        var note = journal[^1];
        Assert.Equal(long.Parse(stdout.Trim(), CultureInfo.InvariantCulture), note.Id);
        Assert.Equal(("alice", JournalEntryKind.Note, "Try a smaller batch next.", ExperimentId(CampaignId, "scout-1", 3)),
            (note.Author, note.Kind, note.Text, note.ExperimentId));
        Assert.Equal(seeded.Select(e => e.Id), journal.Take(seeded.Count).Select(e => e.Id)); // nothing existing changed

        // '-' reads stdin; the author defaults to $USER.
        using (var piped = CliProcess.StartWithInput(data.Directory, "  From stdin,\nsecond line.\n", new Dictionary<string, string> { ["USER"] = "carol" },
                   "note", CampaignId, "-"))
        {
            Assert.True(await piped.WaitAsync(Limit) == 0, piped.Stderr);
        }
        var fromStdin = (await data.Journal.ReadAsync(CampaignId))[^1];
        Assert.Equal(("carol", JournalEntryKind.Note, "From stdin,\nsecond line.", (string?)null),
            (fromStdin.Author, fromStdin.Kind, fromStdin.Text, fromStdin.ExperimentId));

        (exit, stdout, stderr) = await RunAsync(data, "journal", CampaignId);
        output.WriteLine(stdout);
        Assert.True(exit == 0, stderr);
        Assert.DoesNotContain('\u001b', stdout); // redirected: no terminal escapes, not even the one an entry contains
        var blocks = Blocks(stdout);
        var all = await data.Journal.ReadAsync(CampaignId);
        Assert.Equal(all.Select(e => e.Id), blocks.Select(b => b.Id));
        foreach (var (entry, block) in all.Zip(blocks))
        {
            Assert.Contains($"  {entry.At.ToLocalTime().ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture)}  ", block.Header);
            Assert.Contains($"  {entry.Author}  ", block.Header);
            Assert.Contains($"  {KindName(entry.Kind)}", block.Header);
            Assert.All(block.Body, line => Assert.True(line.Length == 0 || line.StartsWith("    ", StringComparison.Ordinal), $"not indented: '{line}'"));
            Assert.All(block.Body, line => Assert.True(line.Length <= 100 || !line.Trim().Contains(' ', StringComparison.Ordinal), $"longer than 100 columns: '{line}'"));
            // Wrapping only moves line breaks: without whitespace the text is the entry's.
            Assert.Equal(NoSpace(entry.Text.Replace("\u001b", "\uFFFD", StringComparison.Ordinal)), NoSpace(string.Concat(block.Body)));
        }
        Assert.EndsWith("  experiment #3", blocks[^2].Header, StringComparison.Ordinal); // the note names its experiment by number
        Assert.Contains("  alice  note  ", blocks[^2].Header, StringComparison.Ordinal);
        Assert.Contains("  carol  note", blocks[^1].Header, StringComparison.Ordinal);
        var longBlock = blocks.Single(b => b.Id == seeded.Single(e => e.Text == LongText).Id);
        Assert.True(longBlock.Body.Count >= 5, "the long entry is wrapped over several lines");
        Assert.Contains(longBlock.Body, line => line == "    https://example.org/a/very/long/path/that/does/not/fit/on/one/line/of/the/terminal/at/all/really");
    }

    [Fact]
    public async Task Json_lines_are_the_seeded_entries_exactly_and_in_order()
    {
        await using var data = new TestData();
        var seeded = await SeedAsync(data);

        var (exit, stdout, stderr) = await RunAsync(data, "journal", CampaignId, "--json");
        Assert.True(exit == 0, stderr);
        var lines = Lines(stdout);
        Assert.Equal(seeded.Count, lines.Count);
        foreach (var (entry, line) in seeded.Zip(lines))
        {
            using var json = JsonDocument.Parse(line);
            var o = json.RootElement;
            Assert.Equal(["id", "campaign", "at", "author", "kind", "experiment", "text"], o.EnumerateObject().Select(p => p.Name));
            Assert.Equal(entry.Id, o.GetProperty("id").GetInt64());
            Assert.Equal(CampaignId, o.GetProperty("campaign").GetString());
            Assert.Equal(entry.At, DateTimeOffset.Parse(o.GetProperty("at").GetString()!, CultureInfo.InvariantCulture));
            Assert.Equal(entry.Author, o.GetProperty("author").GetString());
            Assert.Equal(KindName(entry.Kind), o.GetProperty("kind").GetString());
            Assert.Equal(entry.ExperimentId, o.GetProperty("experiment").GetString());
            Assert.Equal(entry.Text, o.GetProperty("text").GetString()); // exactly as written, escapes and all
        }
        Assert.Contains(lines, l => l.Contains("\"kind\":\"dead_end\"", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains("\"experiment\":null", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Kind_author_and_after_id_filters_select_the_matching_entries()
    {
        await using var data = new TestData();
        var seeded = await SeedAsync(data);

        var after = seeded[3].Id;
        var runs = await Task.WhenAll(
            JsonIdsAsync(data, "--kind", "reflection", "--kind", "dead-end"),
            JsonIdsAsync(data, "--kind", "hypothesis,RESULT", "--author", "explorer-1"),
            JsonIdsAsync(data, "--after-id", after.ToString(CultureInfo.InvariantCulture), "--author", "scout-1"));
        var (byKind, byKindAndAuthor, afterAndAuthor) = (runs[0], runs[1], runs[2]);

        Assert.Equal(seeded.Where(e => e.Kind is JournalEntryKind.Reflection or JournalEntryKind.DeadEnd).Select(e => e.Id), byKind);

        Assert.Equal(seeded.Where(e => e.Author == "explorer-1" && e.Kind is JournalEntryKind.Hypothesis or JournalEntryKind.Result).Select(e => e.Id), byKindAndAuthor);
        Assert.NotEmpty(byKindAndAuthor);

        Assert.Equal(seeded.Where(e => e.Id > after && e.Author == "scout-1").Select(e => e.Id), afterAndAuthor);
        Assert.NotEmpty(afterAndAuthor);
        Assert.NotEqual(seeded.Count(e => e.Author == "scout-1"), afterAndAuthor.Count);
    }

    [Fact]
    public async Task Bad_notes_exit_2_naming_the_problem_and_leave_the_journal_unchanged()
    {
        await using var data = new TestData();
        await SeedAsync(data);
        var before = await SnapshotAsync(data);
        var otherExperiment = ExperimentId(OtherCampaignId, "explorer-1", 1);
        var cases = new (string[] Args, string? Stdin, string? User, string[] Expected)[]
        {
            (["note", CampaignId, "   "], null, null, ["text is empty"]),
            (["note", CampaignId, "-"], "\n  \n", null, ["text is empty"]),
            (["note", CampaignId, new string('x', 8001)], null, null, ["8001 characters", "limit is 8000"]),
            (["note", CampaignId, "hi", "--author", "system"], null, null, ["author 'system' is reserved"]),
            (["note", CampaignId, "hi", "--author", "scout-1"], null, null, ["author 'scout-1' is an agent"]),
            (["note", CampaignId, "hi", "--author", "Explorer-1"], null, null, ["author 'Explorer-1' is an agent"]),
            (["note", CampaignId, "hi"], null, "explorer-1", ["author 'explorer-1' is an agent", "$USER"]),
            (["note", CampaignId, "hi", "--author", " "], null, null, ["--author is empty"]),
            (["note", CampaignId, "hi", "--experiment", otherExperiment], null, null, [$"has no experiment '{otherExperiment}'"]),
            (["note", CampaignId, "hi", "--experiment", "99"], null, null, ["has no experiment '99'"]),
            (["note", "no-such-campaign", "hi"], null, null, ["No campaign 'no-such-campaign'", "autoresearch status"]),
        };

        await AssertRefusedAsync(data, cases.Select(c => (c.Args, c.Stdin, c.User, c.Expected)));
        Assert.Equal(before, await SnapshotAsync(data));
    }

    [Fact]
    public async Task Bad_journal_requests_exit_2_naming_the_problem()
    {
        await using var data = new TestData();
        await SeedAsync(data);
        var before = await SnapshotAsync(data);
        var cases = new (string[] Args, string[] Expected)[]
        {
            (["journal", CampaignId, "--kind", "thought"], ["unknown kind 'thought'", "valid kinds: hypothesis, result, reflection, insight, dead_end, note, system"]),
            (["journal", "no-such-campaign"], ["No campaign 'no-such-campaign'", "autoresearch status"]),
            (["journal", "no-such-campaign", "--follow"], ["No campaign 'no-such-campaign'"]),
            (["journal", CampaignId, "--after-id", "-1"], ["--after-id must be 0 or more"]),
        };

        await AssertRefusedAsync(data, cases.Select(c => (c.Args, (string?)null, (string?)null, c.Expected)));
        Assert.Equal(before, await SnapshotAsync(data));
    }

    [Fact]
    public async Task Follow_prints_entries_appended_elsewhere_and_exits_0_once_the_campaign_has_ended()
    {
        await using var data = new TestData();
        var seeded = await SeedAsync(data, CampaignState.Running);
        using var follower = CliProcess.Start(data.Directory, "journal", CampaignId, "--follow", "--json");
        await WaitForAsync(follower, () => Lines(follower.Stdout).Count == seeded.Count);

        // Another process appends a note while it follows...
        var (exit, noteOut, noteErr) = await RunAsync(data, "note", CampaignId, "Written while following.", "--author", "dana");
        Assert.True(exit == 0, noteErr);
        var noteId = long.Parse(noteOut.Trim(), CultureInfo.InvariantCulture);
        await WaitForAsync(follower, () => follower.Stdout.Contains("Written while following.", StringComparison.Ordinal));
        Assert.False(follower.HasExited, "it keeps following while the campaign runs");

        // ...an agent's last entry lands on another connection just before the campaign ends, and the campaign's closing
        // summary just after its record says it has ended (the order the campaign writes them in): both are printed,
        // then the follower exits by itself.
        var lastWords = await data.Journal.AppendAsync(new JournalEntry
        {
            CampaignId = CampaignId, Author = "scout-1", Kind = JournalEntryKind.Reflection, Text = "Last words before the end.", At = DateTimeOffset.UtcNow,
        });
        var campaign = (await data.Ledger.GetCampaignAsync(CampaignId))!;
        await data.Ledger.UpsertCampaignAsync(campaign with { State = CampaignState.Completed, EndedAt = DateTimeOffset.UtcNow, Reason = "max experiments reached" });
        var summary = await data.Journal.AppendAsync(new JournalEntry
        {
            CampaignId = CampaignId, Author = "system", Kind = JournalEntryKind.System, Text = "Campaign completed: max experiments reached.", At = DateTimeOffset.UtcNow,
        });

        Assert.Equal(0, await follower.WaitAsync(TimeSpan.FromSeconds(30)));
        var ids = Lines(follower.Stdout).Select(l => JsonDocument.Parse(l).RootElement.GetProperty("id").GetInt64()).ToList();
        Assert.Equal(seeded.Select(e => e.Id).Append(noteId).Append(lastWords.Id).Append(summary.Id), ids); // each once, in order
    }

    [Fact]
    public async Task Follow_ends_with_exit_0_on_ctrl_c()
    {
        await using var data = new TestData();
        var seeded = await SeedAsync(data, CampaignState.Paused);
        using var follower = CliProcess.StartInteractive(data.Directory, "journal", CampaignId, "--follow");
        // Printed entries mean it is following: it takes Ctrl+C from before it prints anything.
        await WaitForAsync(follower, () => follower.Stdout.Contains($"#{seeded[^1].Id}  ", StringComparison.Ordinal));
        Assert.False(follower.IgnoresInterrupt, "the follower ignores SIGINT: it was started with Ctrl+C ignored");
        await Task.Delay(TimeSpan.FromSeconds(1.5)); // at least one poll after the first
        Assert.False(follower.HasExited, "a paused campaign has not ended: it keeps following");

        follower.Interrupt();

        Assert.Equal(0, await follower.WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.Equal(seeded.Select(e => e.Id), Blocks(follower.Stdout).Select(b => b.Id));
    }

    /// <summary>
    /// Two campaigns in the ledger: <see cref="CampaignId"/> (agents explorer-1 and scout-1, experiments 1–4, the journal
    /// returned) and <see cref="OtherCampaignId"/> (one experiment, one entry).
    /// </summary>
    /// <summary>Runs every case at once; each must exit 2, print nothing on stdout and name each expected problem on stderr.</summary>
    private static async Task AssertRefusedAsync(TestData data, IEnumerable<(string[] Args, string? Stdin, string? User, string[] Expected)> cases)
    {
        var list = cases.ToList();
        var results = await Task.WhenAll(list.Select(c => RunAsync(data, c.Stdin, c.User, c.Args)));
        foreach (var (c, (exit, stdout, stderr)) in list.Zip(results))
        {
            var what = string.Join(' ', c.Args.Select(a => a.Length > 40 ? a[..20] + "…" : a));
            Assert.True(exit == 2, $"{what}: exit {exit}\n{stderr}");
            Assert.All(c.Expected, e => Assert.True(stderr.Contains(e, StringComparison.Ordinal), $"{what}: '{e}' not in: {stderr}"));
            Assert.True(stdout.Length == 0, $"{what}: printed {stdout}");
        }
    }

    private static async Task<List<JournalEntry>> SeedAsync(TestData data, CampaignState state = CampaignState.Completed)
    {
        await data.Ledger.UpsertCampaignAsync(Campaign(CampaignId, state));
        await data.Ledger.UpsertCampaignAsync(Campaign(OtherCampaignId, CampaignState.Completed));
        for (var seq = 1; seq <= 4; seq++)
            await data.Ledger.SaveExperimentAsync(Experiment(CampaignId, seq <= 2 ? "explorer-1" : "scout-1", seq));
        await data.Ledger.SaveExperimentAsync(Experiment(OtherCampaignId, "explorer-1", 1));

        var entries = new List<JournalEntry>();
        async Task AddAsync(string campaign, string author, JournalEntryKind kind, string text, string? experiment, int minute)
        {
            var entry = await data.Journal.AppendAsync(new JournalEntry
            {
                CampaignId = campaign, Author = author, Kind = kind, Text = text, ExperimentId = experiment, At = Start.AddMinutes(minute),
            });
            if (campaign == CampaignId) entries.Add(entry);
        }

        await AddAsync(CampaignId, "system", JournalEntryKind.System, "Campaign started: 2 agents, at most 24 experiments.", null, 0);
        await AddAsync(CampaignId, "explorer-1", JournalEntryKind.Hypothesis, "A larger learning rate converges faster.", ExperimentId(CampaignId, "explorer-1", 2), 1);
        await AddAsync(OtherCampaignId, "explorer-1", JournalEntryKind.Result, "Another campaign's result.", ExperimentId(OtherCampaignId, "explorer-1", 1), 2);
        await AddAsync(CampaignId, "explorer-1", JournalEntryKind.Result, "val_loss 0.48 (baseline 0.50).", ExperimentId(CampaignId, "explorer-1", 2), 3);
        await AddAsync(CampaignId, "scout-1", JournalEntryKind.Reflection, "Too early to tell; the baseline is noisy.", ExperimentId(CampaignId, "scout-1", 3), 4);
        await AddAsync(CampaignId, "scout-1", JournalEntryKind.Reflection, LongText, ExperimentId(CampaignId, "scout-1", 3), 5);
        await AddAsync(CampaignId, "scout-1", JournalEntryKind.DeadEnd, "lr=0.9 diverges \u001b[31mbadly\u001b[0m.", ExperimentId(CampaignId, "scout-1", 4), 6);
        await AddAsync(CampaignId, "explorer-1", JournalEntryKind.Insight, "Width beyond 256 runs out of memory.", null, 7);
        await AddAsync(CampaignId, "bob", JournalEntryKind.Note, "The GPU box is shared tonight.", null, 8);
        return entries;
    }

    private static CampaignRecord Campaign(string id, CampaignState state) => new()
    {
        Id = id,
        Name = id[..id.IndexOf('-', StringComparison.Ordinal)],
        Spec = new CampaignSpec
        {
            Name = id[..id.IndexOf('-', StringComparison.Ordinal)],
            Benchmark = new BenchmarkSpec
            {
                Name = "digits-mlp",
                Directory = "/srv/benchmarks/digits-mlp",
                Image = "autoresearch/digits-mlp:latest",
                Command = ["python", "train.py"],
                Files = ["train.py"],
                Metric = new MetricSpec { Name = "val_loss", Direction = Direction.Minimize },
                TimeLimit = TimeSpan.FromMinutes(1),
            },
            Agents =
            [
                new AgentSpec { Id = "explorer-1", Role = "explorer", Proposer = "gp" },
                new AgentSpec { Id = "scout-1", Role = "researcher", Proposer = "llm" },
            ],
        },
        State = state,
        CreatedAt = Start,
        StartedAt = Start,
        EndedAt = state is CampaignState.Completed ? Start.AddHours(1) : null,
    };

    private static ExperimentRecord Experiment(string campaign, string agent, int seq) => new()
    {
        Id = ExperimentId(campaign, agent, seq),
        CampaignId = campaign,
        AgentId = agent,
        Sequence = seq,
        ProposerName = seq == 1 ? "baseline" : "gp",
        Parameters = AutoResearch.Abstractions.Parameters.ParameterSet.FromStored(new Dictionary<string, string> { ["lr"] = "0.01" }),
        IsBaseline = seq == 1,
        Status = ExperimentStatus.Succeeded,
        QueuedAt = Start.AddMinutes(seq),
        StartedAt = Start.AddMinutes(seq),
        EndedAt = Start.AddMinutes(seq + 1),
        Objective = 0.5 - seq / 100.0,
        Attempt = 1,
    };

    private static string ExperimentId(string campaign, string agent, int seq) => $"{campaign}/{agent}/{seq:0000}";

    private static string KindName(JournalEntryKind kind) => kind == JournalEntryKind.DeadEnd ? "dead_end" : kind.ToString().ToLowerInvariant();

    /// <summary>Every entry of both campaigns, serialized: equal before and after means nothing was added or changed.</summary>
    private static async Task<string> SnapshotAsync(TestData data) =>
        JsonSerializer.Serialize(new[] { await data.Journal.ReadAsync(CampaignId), await data.Journal.ReadAsync(OtherCampaignId) });

    private static Task<(int Exit, string Stdout, string Stderr)> RunAsync(TestData data, params string[] args) => RunAsync(data, null, null, args);

    private static async Task<(int Exit, string Stdout, string Stderr)> RunAsync(TestData data, string? stdin, string? user, string[] args)
    {
        var environment = user is null ? null : new Dictionary<string, string> { ["USER"] = user };
        using var cli = stdin is null ? CliProcess.Start(data.Directory, environment, args) : CliProcess.StartWithInput(data.Directory, stdin, environment, args);
        var exit = await cli.WaitAsync(Limit);
        return (exit, cli.Stdout, cli.Stderr);
    }

    private static async Task<List<long>> JsonIdsAsync(TestData data, params string[] filters)
    {
        var (exit, stdout, stderr) = await RunAsync(data, ["journal", CampaignId, "--json", .. filters]);
        Assert.True(exit == 0, stderr);
        return Lines(stdout).Select(l => JsonDocument.Parse(l).RootElement.GetProperty("id").GetInt64()).ToList();
    }

    /// <summary>Waits for what a running CLI prints; the bound covers its start-up too (a minute, like <see cref="Limit"/>, on two busy cores).</summary>
    private static async Task WaitForAsync(CliProcess process, Func<bool> condition, int seconds = 60,
        [System.Runtime.CompilerServices.CallerArgumentExpression(nameof(condition))] string what = "")
    {
        var until = DateTime.UtcNow.AddSeconds(seconds);
        while (!condition())
        {
            Assert.False(process.HasExited, $"exited early, waiting for {what}; stdout:\n{process.Stdout}\nstderr:\n{CliProcess.Tail(process.Stderr)}");
            Assert.True(DateTime.UtcNow < until, $"{what}: not seen within {seconds} s; stdout:\n{process.Stdout}\nstderr:\n{CliProcess.Tail(process.Stderr)}");
            await Task.Delay(100);
        }
    }

    private static List<string> Lines(string text) => text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList();

    private static string NoSpace(string text) => string.Concat(text.Where(c => !char.IsWhiteSpace(c)));

    /// <summary>Text output split into entries: a header line starting with <c>#id</c>, then the indented body lines.</summary>
    private static List<(long Id, string Header, List<string> Body)> Blocks(string stdout)
    {
        var blocks = new List<(long Id, string Header, List<string> Body)>();
        foreach (var line in stdout.Replace("\r", "", StringComparison.Ordinal).Split('\n'))
        {
            if (HeaderPattern().Match(line) is { Success: true } m)
                blocks.Add((long.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture), line, []));
            else if (line.Length > 0)
            {
                Assert.True(blocks.Count > 0, $"text before the first entry: '{line}'");
                blocks[^1].Body.Add(line);
            }
        }
        return blocks;
    }

    [GeneratedRegex(@"^#(\d+)  ")]
    private static partial Regex HeaderPattern();
}
