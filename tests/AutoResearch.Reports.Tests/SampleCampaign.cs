using AutoResearch.Testing.Reports;
using AutoResearch.Abstractions.Experiments;
using AutoResearch.Abstractions.Journal;
using AutoResearch.Abstractions.Specs;

namespace AutoResearch.Reports.Tests;

/// <summary>
/// A realistic overnight campaign: a baseline and 15 experiments from three agents, failures of five kinds,
/// hostile text in a hypothesis, a failure reason and the journal.
/// Minimize: baseline 0.50 → best 0.40 (#12 by exploiter-1), +20.0%.
/// </summary>
internal static class SampleCampaign
{
    public const string Id = "digits-20261123-0100";
    public const string Injection = "<script>alert('pwned')</script>";
    public const string ImgInjection = "<img src=\"http://evil.example/x.png\" onerror=\"alert(1)\">";

    public static readonly DateTimeOffset Start = new(2026, 11, 23, 1, 0, 0, TimeSpan.Zero);
    public static readonly DateTimeOffset End = Start.AddMinutes(40);

    public static BenchmarkSpec Benchmark(Direction direction = Direction.Minimize, string metric = "val_loss") =>
        SampleExperiments.Benchmark(direction, metric);

    public static CampaignSpec Spec(Direction direction = Direction.Minimize, string metric = "val_loss") => new()
    {
        Name = "digits-night",
        Goal = "Lower the validation loss of the digits MLP overnight.",
        Benchmark = Benchmark(direction, metric),
        Agents =
        [
            new AgentSpec { Id = "explorer-1", Role = "explorer", Proposer = "gp", CpuBudgetSeconds = 3600, Seed = 1 },
            new AgentSpec { Id = "exploiter-1", Role = "exploiter", Proposer = "tpe", CpuBudgetSeconds = 3000, Seed = 2 },
            new AgentSpec
            {
                Id = "scout-1", Role = "scout", Proposer = "llm", Model = "gpt-test", TokenBudget = 200_000,
                CpuBudgetSeconds = 1200, GpuBudgetSeconds = 600, Seed = 3,
            },
        ],
        MaxExperiments = 16,
        Duration = TimeSpan.FromHours(8),
        Slots = 3,
    };

    public static CampaignRecord Campaign(string id = Id, Direction direction = Direction.Minimize, string metric = "val_loss") => new()
    {
        Id = id,
        Name = "digits-night",
        Spec = Spec(direction, metric),
        State = CampaignState.Completed,
        CreatedAt = Start.AddMinutes(-1),
        StartedAt = Start,
        EndedAt = End,
        Deadline = Start.AddHours(8),
        Reason = "max experiments reached",
    };

    public static ExperimentRecord Experiment(
        string campaignId,
        int seq,
        string agent,
        string proposer,
        double? objective,
        double startMin,
        double endMin,
        Dictionary<string, string>? changes = null,
        FailureKind failure = FailureKind.None,
        string? reason = null,
        bool baseline = false,
        string hypothesis = "",
        string? diff = null,
        double gpuSeconds = 0) =>
        SampleExperiments.Create(campaignId, Start, seq, agent, proposer, objective, startMin, endMin, changes, failure, reason,
            baseline: baseline, hypothesis: hypothesis, diff: diff, gpuSeconds: gpuSeconds);

    public static List<ExperimentRecord> Experiments(string id = Id) =>
    [
        Experiment(id, 1, "explorer-1", "baseline", 0.50, 0, 5, baseline: true, hypothesis: "Baseline with all defaults."),
        Experiment(id, 2, "explorer-1", "gp", 0.48, 5, 10, new() { ["lr"] = "0.02" }, hypothesis: "A larger learning rate converges faster."),
        Experiment(id, 3, "exploiter-1", "tpe", 0.52, 5, 11, new() { ["lr"] = "0.005" }),
        Experiment(id, 4, "scout-1", "llm", null, 6, 16, new() { ["hidden"] = "512" }, FailureKind.Timeout, "Killed after the 10m time limit."),
        Experiment(id, 5, "explorer-1", "gp", 0.45, 10, 15, new() { ["hidden"] = "128" }),
        Experiment(id, 6, "exploiter-1", "tpe", null, 11, 12, new() { ["lr"] = "0.9" }, FailureKind.Crash, "Exit code 1: ValueError: loss is NaN"),
        Experiment(id, 7, "scout-1", "llm", 0.47, 16, 20, new() { ["activation"] = "gelu" },
            hypothesis: "Try GELU " + ImgInjection, diff: "--- a/train.py\n+++ b/train.py\n@@ -1 +1 @@\n-act = relu\n+act = gelu\n", gpuSeconds: 200),
        Experiment(id, 8, "explorer-1", "gp", 0.44, 15, 21, new() { ["lr"] = "0.02", ["hidden"] = "128" }),
        Experiment(id, 9, "exploiter-1", "tpe", null, 12, 14, new() { ["hidden"] = "512", ["lr"] = "0.02" }, FailureKind.OutOfMemory, "OOMKilled: memory limit 1024 MB"),
        Experiment(id, 10, "scout-1", "llm", null, 20, 21, new() { ["activation"] = "tanh" }, FailureKind.Crash, "Exit code 2: " + Injection),
        Experiment(id, 11, "explorer-1", "gp", 0.46, 21, 27, new() { ["lr"] = "0.03" }),
        Experiment(id, 12, "exploiter-1", "tpe", 0.40, 14, 25, new() { ["lr"] = "0.015", ["hidden"] = "256" }, hypothesis: "Wider and a touch faster."),
        Experiment(id, 13, "scout-1", "llm", null, 21, 24, new() { ["lr"] = "0.001" }, FailureKind.NoMetric, "Exited 0 but printed no METRIC line."),
        Experiment(id, 14, "explorer-1", "gp", 0.41, 27, 33, new() { ["lr"] = "0.015", ["hidden"] = "192" }),
        Experiment(id, 15, "exploiter-1", "tpe", 0.43, 25, 30, new() { ["lr"] = "0.012", ["hidden"] = "256" }),
        Experiment(id, 16, "scout-1", "llm", null, 24, 24, new() { ["hidden"] = "9999" }, FailureKind.Rejected, "hidden=9999 is above the maximum 512."),
    ];

    public static List<JournalEntry> Journal(string id = Id) =>
    [
        Entry(id, "explorer-1", JournalEntryKind.Reflection, "OLDEST explorer reflection: defaults are a fair start.", 6),
        Entry(id, "explorer-1", JournalEntryKind.Hypothesis, "Hypotheses are not shown in the journal section.", 7),
        Entry(id, "explorer-1", JournalEntryKind.Reflection, "Learning rate **0.02** helps; hidden size matters more.", 16),
        Entry(id, "explorer-1", JournalEntryKind.Insight, "Width beyond 256 runs out of memory.", 22),
        Entry(id, "explorer-1", JournalEntryKind.Reflection, "Plateau near 0.41; try `lr` around 0.015.", 34),
        Entry(id, "exploiter-1", JournalEntryKind.DeadEnd, "lr=0.9 diverges.", 13),
        Entry(id, "exploiter-1", JournalEntryKind.Reflection, "Wider (256) with lr 0.015 gives 0.40.", 26),
        Entry(id, "scout-1", JournalEntryKind.Reflection,
            "See [this paper](https://evil.example/paper) and ![chart](http://evil.example/c.png) and <https://evil.example/auto>. " + Injection, 22),
    ];

    public static async Task<(InMemoryLedger Ledger, InMemoryJournal Journal)> SeedAsync(
        CampaignRecord? campaign = null, IEnumerable<ExperimentRecord>? experiments = null, IEnumerable<JournalEntry>? journal = null)
    {
        var ledger = new InMemoryLedger();
        var j = new InMemoryJournal();
        campaign ??= Campaign();
        await ledger.UpsertCampaignAsync(campaign);
        foreach (var e in experiments ?? Experiments(campaign.Id))
        {
            await ledger.SaveExperimentAsync(e);
        }

        foreach (var entry in journal ?? Journal(campaign.Id))
        {
            await j.AppendAsync(entry);
        }

        return (ledger, j);
    }

    public static CampaignReportModel Model() =>
        CampaignReportBuilder.Build(Campaign(), Experiments(), Journal().Select((e, i) => e with { Id = i + 1 }).ToList(), End.AddMinutes(5));

    private static JournalEntry Entry(string id, string author, JournalEntryKind kind, string text, double minute) => new()
    {
        CampaignId = id,
        Author = author,
        Kind = kind,
        Text = text,
        At = Start.AddMinutes(minute),
    };
}
