using AutoResearch.Abstractions.Experiments;
using AutoResearch.Abstractions.Journal;
using AutoResearch.Abstractions.Specs;

namespace AutoResearch.Ledger.Tests;

internal static class TestData
{
    public static string NewCampaignId(string name = "demo") => $"{name}-{Guid.NewGuid():N}"[..24];

    /// <summary>Every field set to a non-default value; offsets deliberately not UTC.</summary>
    public static ExperimentRecord FullExperiment(string campaignId, int sequence, string agent = "explorer-1") => new()
    {
        Id = $"{campaignId}/{agent}/{sequence:D4}",
        CampaignId = campaignId,
        AgentId = agent,
        Sequence = sequence,
        ProposerName = "gp",
        Parameters = AutoResearch.Abstractions.Parameters.ParameterSet.FromStored(new Dictionary<string, string>() { ["lr"] = "0.01", ["hidden"] = "64", ["activation"] = "relu", ["ünïcødé key"] = "värde \"quoted\"" }),
        Diff = "--- a/train.py\n+++ b/train.py\n@@ -1 +1 @@\n-x = 1\n+x = 2\n",
        Hypothesis = "A lower learning rate reduces the loss.",
        IsBaseline = true,
        Status = ExperimentStatus.Failed,
        Failure = FailureKind.OutOfMemory,
        Reason = "killed by the kernel (exit 137)",
        ImageId = "sha256:0123456789abcdef",
        ContainerId = "c0ffee",
        ExitCode = 137,
        QueuedAt = new DateTimeOffset(2026, 11, 23, 9, 7, 1, TimeSpan.FromHours(2)).AddTicks(1234567),
        StartedAt = new DateTimeOffset(2026, 11, 23, 9, 8, 2, TimeSpan.FromHours(-5)).AddTicks(7654321),
        EndedAt = new DateTimeOffset(2026, 11, 23, 14, 9, 3, TimeSpan.Zero).AddTicks(1),
        Objective = 0.123456789012345,
        Metrics =
        [
            new MetricPoint { Name = "loss", Value = 1.5, Step = 1 },
            new MetricPoint { Name = "loss", Value = 0.75, Step = 2 },
            new MetricPoint { Name = "accuracy", Value = 0.987654321, Step = null },
            new MetricPoint { Name = "diverged", Value = double.NaN },
            new MetricPoint { Name = "big", Value = double.PositiveInfinity, Step = long.MaxValue },
            new MetricPoint { Name = "val_error", Value = 0, Step = 3, Untrusted = true }, // printed by code under test (a trusted scorer decides)
        ],
        LogHead = "epoch 1 ...\n",
        LogTail = "... Killed\n",
        Attempt = 2,
        CpuSeconds = 12.25,
        GpuSeconds = 3.5,
        Seed = 424242,
        EditedFiles = new() { ["train.py"] = "x = 2\n", ["model/config.json"] = "{\"layers\": 3}" },
    };

    /// <summary>Only the required fields.</summary>
    public static ExperimentRecord MinimalExperiment(string campaignId, int sequence, string agent = "explorer-1") => new()
    {
        Id = $"{campaignId}/{agent}/{sequence:D4}",
        CampaignId = campaignId,
        AgentId = agent,
        Sequence = sequence,
        ProposerName = "random",
        Parameters = [],
        Status = ExperimentStatus.Queued,
        QueuedAt = DateTimeOffset.UtcNow,
    };

    public static CampaignRecord Campaign(string id, DateTimeOffset createdAt) => new()
    {
        Id = id,
        Name = "demo",
        State = CampaignState.Running,
        CreatedAt = createdAt,
        StartedAt = createdAt.AddSeconds(1),
        Deadline = createdAt.AddHours(2),
        Reason = null,
        Spec = new CampaignSpec
        {
            Name = "demo",
            Goal = "Minimize validation loss.",
            MaxExperiments = 40,
            Duration = TimeSpan.FromHours(2),
            Target = 0.05,
            Slots = 4,
            SourceFile = "/campaigns/demo/campaign.yaml",
            Benchmark = new BenchmarkSpec
            {
                Name = "digits-mlp",
                Directory = "/bench/digits-mlp",
                Image = "autoresearch/digits-mlp:latest",
                Command = ["python", "train.py"],
                Files = ["train.py", "data.npz"],
                Editable = ["train.py"],
                Parameters =
                [
                    new ParameterSpec { Name = "lr", Type = ParameterType.Float, Min = 1e-5, Max = 1, Log = true, Default = "0.01" },
                    new ParameterSpec { Name = "activation", Type = ParameterType.Choice, Choices = ["relu", "tanh"], Default = "relu" },
                ],
                Metric = new MetricSpec { Name = "val_loss", Direction = Direction.Minimize },
                TimeLimit = TimeSpan.FromMinutes(5),
                Resources = new ResourceSpec { Cpus = 2, MemoryMb = 2048, Gpus = 1, Pids = 128, TmpfsMb = 64 },
                Description = "program.md",
                KnownOptimum = 0.0,
            },
            Agents =
            [
                new AgentSpec
                {
                    Id = "explorer-1", Role = "explorer", Proposer = "gp", Model = null, TokenBudget = 1000,
                    GpuBudgetSeconds = 60, CpuBudgetSeconds = 600, Seed = 7, Settings = new() { ["exploration"] = "0.2" },
                },
                new AgentSpec { Id = "exploiter-1", Role = "exploiter", Proposer = "tpe", Model = "some-model", Seed = 8 },
            ],
        },
    };

    public static JournalEntry Entry(string campaignId, string text, JournalEntryKind kind = JournalEntryKind.Note, string? experimentId = null) => new()
    {
        CampaignId = campaignId,
        Author = "explorer-1",
        Kind = kind,
        Text = text,
        ExperimentId = experimentId,
        At = DateTimeOffset.UtcNow,
    };
}
