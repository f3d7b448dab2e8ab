using AutoResearch.Abstractions.Specs;

namespace AutoResearch.Grains.Tests;

/// <summary>Specs for orchestration tests: a Branin benchmark and campaigns over it.</summary>
public static class TestSpecs
{
    public static BenchmarkSpec Branin(TimeSpan? timeLimit = null) => new()
    {
        Name = "branin",
        Directory = Path.GetTempPath(),
        Image = "scripted",
        Command = ["python3", "branin.py"],
        Files = [],
        Metric = new MetricSpec { Name = "value", Direction = Direction.Minimize },
        TimeLimit = timeLimit ?? TimeSpan.FromSeconds(5),
        KnownOptimum = 0.397887,
        Parameters =
        [
            new ParameterSpec { Name = "x1", Type = ParameterType.Float, Min = -5, Max = 10, Default = "0" },
            new ParameterSpec { Name = "x2", Type = ParameterType.Float, Min = 0, Max = 15, Default = "0" },
        ],
    };

    public static CampaignSpec Campaign(string name, int maxExperiments, int slots = 2, TimeSpan? duration = null, params string[] proposers) => new()
    {
        Name = name,
        Goal = "Minimize Branin",
        Benchmark = Branin(),
        MaxExperiments = maxExperiments,
        Duration = duration ?? TimeSpan.FromMinutes(10),
        Slots = slots,
        Agents = (proposers.Length == 0 ? ["gp", "random"] : proposers)
            .Select((p, i) => new AgentSpec { Id = $"{p}-{i + 1}", Role = p == "random" ? "random" : "explorer", Proposer = p, Seed = 17 + i, CpuBudgetSeconds = 0 })
            .ToList(),
    };

    public static string UniqueId(string prefix) => $"{prefix}-{Guid.NewGuid():N}"[..(prefix.Length + 13)];
}
