using System.Globalization;
using AutoResearch.Abstractions.Experiments;
using AutoResearch.Abstractions.Ports;
using AutoResearch.Abstractions.Specs;

namespace AutoResearch.Web.Tests;

/// <summary>
/// A night written straight to a console's ledger, for the analysis views (shared with the browser tests, which link this
/// file): <b>toy-mlp</b>, where only the learning rate matters (a bowl in log10(lr) around 10^-2.5), with a random search,
/// a model agent's best that edited <c>train.py</c>, the ablation agent's three ablations of that best, two failures and
/// held-out runs where the best held up; and <b>lucky</b>, whose best did not hold up.
/// </summary>
public static class AnalysisSeed
{
    public const string TrainPy = "import sys\nlr = float(sys.argv[1])\nactivation = 'relu'\nprint('METRIC loss=1')\n";
    public const string EditedTrainPy = "import sys\nlr = float(sys.argv[1])\nactivation = 'gelu'\nwarmup = 100\nprint('METRIC loss=1')\n";

    /// <summary>The seeded night's two campaigns: their ids, the best's and the ablations' numbers.</summary>
    public sealed record Night(string ToyId, string LuckyId, DateOnly Date, int Best = 41, int LrAblation = 42, int DepthAblation = 43, int ActivationAblation = 44);

    /// <summary>When the night of <paramref name="date"/>'s campaigns start: 22:00 and 23:30 server local time.</summary>
    public static DateTimeOffset LocalAt(DateOnly date, int hour, int minute)
    {
        var local = date.ToDateTime(new TimeOnly(hour, minute), DateTimeKind.Unspecified);
        return new DateTimeOffset(local, TimeZoneInfo.Local.GetUtcOffset(local));
    }

    /// <summary>Writes both campaigns of the night of <paramref name="date"/>; <paramref name="benchmarkDirectory"/> gets toy-mlp's <c>train.py</c>.</summary>
    public static async Task<Night> SeedAsync(ILedger ledger, DateOnly date, string benchmarkDirectory)
    {
        Directory.CreateDirectory(benchmarkDirectory);
        await File.WriteAllTextAsync(Path.Combine(benchmarkDirectory, "train.py"), TrainPy);
        var suffix = Guid.NewGuid().ToString("N")[..6];
        var toy = await SeedToyAsync(ledger, $"toy-mlp-{date:yyyyMMdd}-{suffix}", LocalAt(date, 22, 0), benchmarkDirectory);
        var lucky = await SeedLuckyAsync(ledger, $"lucky-{date:yyyyMMdd}-{suffix}", LocalAt(date, 23, 30));
        return new Night(toy, lucky, date);
    }

    private static double Loss(double lr) => Math.Pow(Math.Log10(lr) + 2.5, 2);

    private static string S(double v) => v.ToString("R", CultureInfo.InvariantCulture);

    private static async Task<string> SeedToyAsync(ILedger ledger, string id, DateTimeOffset t0, string directory)
    {
        var benchmark = new BenchmarkSpec
        {
            Name = "toy-mlp", Directory = directory, Image = "autoresearch/python:latest", Command = ["python3", "train.py"], Files = ["train.py"],
            Metric = new MetricSpec { Name = "loss", Direction = Direction.Minimize }, TimeLimit = TimeSpan.FromSeconds(60),
            Holdout = new HoldoutSpec(),
            Parameters =
            [
                new ParameterSpec { Name = "lr", Type = ParameterType.Float, Min = 1e-4, Max = 1e-1, Log = true, Default = "0.1" },
                new ParameterSpec { Name = "depth", Type = ParameterType.Int, Min = 1, Max = 8, Default = "3" },
                new ParameterSpec { Name = "activation", Type = ParameterType.Choice, Choices = ["relu", "tanh", "gelu"], Default = "relu" },
            ],
        };
        await ledger.UpsertCampaignAsync(new CampaignRecord
        {
            Id = id, Name = "toy-mlp", State = CampaignState.Completed, CreatedAt = t0, StartedAt = t0, EndedAt = t0.AddMinutes(150),
            Deadline = t0.AddHours(8),
            Spec = new CampaignSpec
            {
                Name = "toy-mlp", Goal = "Lower the toy MLP's loss", Benchmark = benchmark, MaxExperiments = 60, Duration = TimeSpan.FromHours(8),
                Budget = new BudgetSpec { CpuSeconds = 7200, Tokens = 200_000 },
                Agents =
                [
                    new AgentSpec { Id = "random-1", Role = "random", Proposer = "random" },
                    new AgentSpec { Id = "coder-1", Role = "coder", Proposer = AgentSpec.ModelProposer, Model = "local" },
                    new AgentSpec { Id = "ablator-1", Role = "ablator", Proposer = "ablation" },
                ],
            },
        });

        var random = new Random(5);
        var runs = new List<ExperimentRecord>();
        ExperimentRecord Run(int sequence, string agent, double lr, int depth, string activation, double? objective, ExperimentKind kind = ExperimentKind.Proposal,
            string? of = null, ExperimentStatus status = ExperimentStatus.Succeeded, bool edited = false, FailureKind failure = FailureKind.None, string? reason = null)
        {
            var at = t0.AddMinutes(2 * sequence);
            return new ExperimentRecord
            {
                Id = $"{id}/{sequence:D4}", CampaignId = id, AgentId = agent, Sequence = sequence, Kind = kind, IsBaseline = kind == ExperimentKind.Baseline,
                RepeatOf = of, ProposerName = agent.Split('-')[0], Status = status, Objective = objective, Failure = failure, Reason = reason,
                Hypothesis = agent == "ablator-1" ? $"Ablation of the best (experiment #41)" : $"Try lr={S(lr)}",
                Parameters = AutoResearch.Abstractions.Parameters.ParameterSet.FromStored(new Dictionary<string, string>() { ["lr"] = S(lr), ["depth"] = depth.ToString(CultureInfo.InvariantCulture), ["activation"] = activation }),
                EditedFiles = edited ? new() { ["train.py"] = EditedTrainPy } : [],
                Diff = edited ? AutoResearch.Edits.UnifiedDiff.Create("train.py", TrainPy, EditedTrainPy) : null,
                QueuedAt = at, StartedAt = at, EndedAt = at.AddSeconds(90), CpuSeconds = 85, Seed = 1000 + sequence,
                Tokens = agent == "coder-1" ? 1500 : 0,
                Metrics = objective is { } final
                    ? Enumerable.Range(1, 5).Select(step => new MetricPoint { Name = "loss", Value = final + (5 - step) * 0.4, Step = step * 100 }).ToList()
                    : [],
            };
        }

        runs.Add(Run(0, "random-1", 0.1, 3, "relu", Loss(0.1) + 0.01, ExperimentKind.Baseline));
        runs.Add(Run(1, "random-1", 0.1, 3, "relu", Loss(0.1) - 0.012, ExperimentKind.Repeat, $"{id}/0000"));
        runs.Add(Run(2, "random-1", 0.1, 3, "relu", Loss(0.1) + 0.004, ExperimentKind.Repeat, $"{id}/0000"));
        for (var s = 3; s <= 40; s++)
        {
            var lr = Math.Pow(10, -4 + 3 * random.NextDouble());
            runs.Add(Run(s, s % 4 == 0 ? "coder-1" : "random-1", lr, random.Next(1, 9), benchmark.Parameters[2].Choices[random.Next(3)],
                Loss(lr) + random.NextDouble() * 0.05, edited: s % 4 == 0));
        }
        runs.Add(Run(41, "coder-1", 0.0031622776601683794, 6, "gelu", 0.002, edited: true));
        runs.Add(Run(42, "ablator-1", 0.1, 6, "gelu", 2.26, edited: true));
        runs.Add(Run(43, "ablator-1", 0.0031622776601683794, 3, "gelu", 0.012, edited: true));
        runs.Add(Run(44, "ablator-1", 0.0031622776601683794, 6, "relu", 0.004, edited: true));
        runs.Add(Run(45, "random-1", 0.0005, 2, "tanh", null, status: ExperimentStatus.Failed, failure: FailureKind.Timeout, reason: "timed out after 60 s"));
        runs.Add(Run(46, "coder-1", 0.01, 4, "gelu", null, status: ExperimentStatus.Failed, failure: FailureKind.Crash, reason: "exit code 1", edited: true));
        runs.Add(Run(47, "random-1", 0.0031622776601683794, 6, "gelu", 0.05, ExperimentKind.Holdout, $"{id}/0041", edited: true));
        runs.Add(Run(48, "random-1", 0.1, 3, "relu", 2.2, ExperimentKind.Holdout, $"{id}/0000"));
        await ledger.SaveExperimentsAsync(runs);
        await ledger.AppendLeaderboardAsync(new LeaderboardEntry
        {
            CampaignId = id, Index = 0, ExperimentId = runs[0].Id, Sequence = 0, AgentId = "random-1", Objective = runs[0].Objective!.Value, AcceptedAt = t0.AddMinutes(2),
        });
        await ledger.AppendLeaderboardAsync(new LeaderboardEntry
        {
            CampaignId = id, Index = 1, ExperimentId = runs[41].Id, Sequence = 41, AgentId = "coder-1", Objective = 0.002, AcceptedAt = t0.AddMinutes(84),
            Runs = 1, Confidence = 0.99,
        });
        return id;
    }

    /// <summary>A benchmark with a held-out evaluation whose "lucky" recipe wins in-sample and does not hold up.</summary>
    public static BenchmarkSpec LuckySplitBenchmark() => new()
    {
        Name = "lucky-split", Directory = "/tmp", Image = "autoresearch/python:latest", Command = ["python3", "lucky.py"], Files = ["lucky.py"],
        Metric = new MetricSpec { Name = "loss", Direction = Direction.Minimize }, TimeLimit = TimeSpan.FromSeconds(30),
        Holdout = new HoldoutSpec(),
        Parameters = [new ParameterSpec { Name = "recipe", Type = ParameterType.Choice, Choices = ["default", "honest", "lucky"], Default = "default" }],
    };

    private static async Task<string> SeedLuckyAsync(ILedger ledger, string id, DateTimeOffset t0)
    {
        var benchmark = LuckySplitBenchmark();
        await ledger.UpsertCampaignAsync(new CampaignRecord
        {
            Id = id, Name = "lucky", State = CampaignState.Completed, CreatedAt = t0, StartedAt = t0, EndedAt = t0.AddMinutes(20),
            Spec = new CampaignSpec
            {
                Name = "lucky", Benchmark = benchmark, MaxExperiments = 5, Duration = TimeSpan.FromHours(1),
                Agents = [new AgentSpec { Id = "random-1", Role = "random", Proposer = "random" }],
            },
        });
        ExperimentRecord Run(int sequence, ExperimentKind kind, double? objective, string recipe, string? of = null, ExperimentStatus status = ExperimentStatus.Succeeded) => new()
        {
            Id = $"{id}/{sequence:D4}", CampaignId = id, AgentId = "random-1", Sequence = sequence, ProposerName = "random",
            Parameters = AutoResearch.Abstractions.Parameters.ParameterSet.FromStored(new Dictionary<string, string>() { ["recipe"] = recipe }), Kind = kind, IsBaseline = kind == ExperimentKind.Baseline, RepeatOf = of,
            Status = status, Objective = objective, Failure = status == ExperimentStatus.Failed ? FailureKind.OutOfMemory : FailureKind.None,
            QueuedAt = t0.AddMinutes(sequence), StartedAt = t0.AddMinutes(sequence), EndedAt = t0.AddMinutes(sequence + 1), CpuSeconds = 30,
        };
        var runs = new[]
        {
            Run(0, ExperimentKind.Baseline, 1.0, "default"), Run(1, ExperimentKind.Proposal, 1.5, "default"),
            Run(2, ExperimentKind.Proposal, 0.8, "honest"), Run(3, ExperimentKind.Proposal, 0.5, "lucky"),
            Run(4, ExperimentKind.Proposal, null, "lucky", status: ExperimentStatus.Failed),
            Run(5, ExperimentKind.Holdout, 1.0, "default", $"{id}/0000"), Run(6, ExperimentKind.Holdout, 1.3, "lucky", $"{id}/0003"),
            Run(7, ExperimentKind.Holdout, 0.8, "honest", $"{id}/0002"),
        };
        await ledger.SaveExperimentsAsync(runs);
        return id;
    }
}
