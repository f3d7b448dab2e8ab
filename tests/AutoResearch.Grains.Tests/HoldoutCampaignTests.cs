using AutoResearch.Abstractions.Experiments;
using AutoResearch.Abstractions.Grains;
using AutoResearch.Abstractions.Journal;
using AutoResearch.Abstractions.Ports;
using AutoResearch.Abstractions.Specs;
using AutoResearch.Evaluation;
using AutoResearch.Host.Storage;
using AutoResearch.Ledger;
using AutoResearch.Reports;
using AutoResearch.Sandboxes;
using Microsoft.Extensions.DependencyInjection;
using Orleans.TestingHost;

namespace AutoResearch.Grains.Tests;

/// <summary>
/// Held-out re-validation through the real grains, ledger, reports and Docker sandboxes: a benchmark whose "lucky" recipe
/// looks best on the tuning split and is worse than the default on the held-out one (<c>Fixtures/lucky-split</c>).
/// </summary>
[Collection(DockerClusterCollection.Name)]
public sealed class HoldoutCampaignTests(DockerClusterFixture fixture)
{
    [Fact]
    public async Task A_lucky_split_best_is_flagged_did_not_hold_up_and_the_final_answer_is_ranked_by_held_out()
    {
        var id = TestSpecs.UniqueId("lucky");
        fixture.Proposals[id + "/scripted-1"] = ["honest", "bad", "lucky", "bad"];
        var campaign = fixture.Grains.GetGrain<ICampaignGrain>(id);
        // 3 baseline runs, then each improving result's first run plus up to 2 confirmation runs (the noise rule); "bad" fills the rest.
        await campaign.Start(DockerClusterFixture.LuckyCampaign("lucky", maxExperiments: 11));
        var status = await Waits.ForEndAsync(fixture.Grains, id, seconds: 300);

        Assert.Equal(CampaignState.Completed, status.State);
        var experiments = await fixture.Ledger.GetExperimentsAsync(id);
        var tuning = experiments.Where(e => !e.IsHoldout).ToList();
        var heldOut = experiments.Where(e => e.IsHoldout).ToList();
        var failures = string.Join("\n", experiments.Where(e => e.Status != ExperimentStatus.Succeeded).Select(e => $"#{e.Sequence} {e.Kind} {e.Status}: {e.Reason} {e.LogTail}"));
        Assert.True(experiments.All(e => e.Status == ExperimentStatus.Succeeded), failures);
        Assert.Equal(11, tuning.Count);
        Assert.Equal((11, 11, 11), (status.Launched, status.Finished, status.Succeeded));

        // In-sample, the lucky recipe is the accepted best.
        var story = string.Join("\n", experiments.OrderBy(e => e.Sequence).Select(e => $"#{e.Sequence} {e.Kind} {e.Parameters["recipe"]} {e.Objective} {e.Verdict} of {e.RepeatOf}"));
        Assert.True(tuning.Count(e => e.Kind == ExperimentKind.Proposal && e.Parameters["recipe"].Text is "honest" or "lucky") == 2, story);
        var honest = tuning.Single(e => e.Kind == ExperimentKind.Proposal && e.Parameters["recipe"].Text == "honest");
        var lucky = tuning.Single(e => e.Kind == ExperimentKind.Proposal && e.Parameters["recipe"].Text == "lucky");
        var baseline = tuning.Single(e => e.Kind == ExperimentKind.Baseline);
        Assert.Equal(AcceptanceVerdict.Accepted, honest.Verdict);
        Assert.Equal(AcceptanceVerdict.Accepted, lucky.Verdict);
        Assert.Equal(lucky.Id, status.BestExperimentId);
        Assert.InRange(status.Best!.Value, 0.45, 0.55);

        // The baseline and both accepted results ran twice each on the held-out evaluation (AR_EVAL=holdout), with fresh seeds.
        Assert.Equal(6, heldOut.Count);
        Assert.Equal((6, 6), (status.HoldoutLaunched, status.HoldoutFinished));
        foreach (var target in new[] { baseline, honest, lucky })
        {
            var runs = heldOut.Where(e => e.RepeatOf == target.Id).ToList();
            Assert.Equal(2, runs.Count);
            Assert.All(runs, r => Assert.Equal(target.Parameters, r.Parameters));
            Assert.All(runs, r => Assert.Contains("split=holdout", r.LogHead + r.LogTail, StringComparison.Ordinal));
            Assert.Equal(3, runs.Select(r => r.Seed).Append(target.Seed).Distinct().Count());
        }
        Assert.All(tuning.Where(e => e.Status == ExperimentStatus.Succeeded), e => Assert.Contains("split=tune", e.LogHead + e.LogTail, StringComparison.Ordinal));
        Assert.All(heldOut.Where(e => e.RepeatOf == lucky.Id), r => Assert.InRange(r.Objective!.Value, 1.2, 1.4));

        // Held-out runs are charged to the campaign budget like any run.
        Assert.Equal(experiments.Sum(e => e.CpuSeconds), status.Used.CpuSeconds, 6);
        Assert.True(heldOut.Sum(e => e.CpuSeconds) > 0);

        // The verdicts: the lucky best did not hold up; the final answer, ranked by held-out, is the honest one.
        var summary = status.Holdout;
        Assert.True(summary.IsComplete);
        Assert.Equal([honest.Id, lucky.Id], summary.Results.Select(r => r.ExperimentId));
        Assert.Equal(HoldoutVerdict.HeldUp, summary.For(honest.Id)!.Verdict);
        Assert.True(summary.For(lucky.Id)!.DidNotHoldUp);
        Assert.Equal(HoldoutVerdict.DidNotHoldUp, summary.For(lucky.Id)!.Verdict);
        Assert.Equal(honest.Id, summary.FinalAnswerId);
        Assert.InRange(summary.Baseline!.HeldOut!.Value, 0.95, 1.05);
        // The grain's summary is the ledger's projection (what the CLI, console and report show).
        Assert.Equal(summary, HoldoutSummaries.From(experiments, DockerClusterFixture.LuckySplit().Metric), HoldoutSummaryComparer.Instance);

        // The journal says it, and the final report shows in-sample beside held-out.
        var journal = await fixture.Journal.ReadAsync(id);
        Assert.Contains(journal, j => j.Kind == JournalEntryKind.DeadEnd && j.ExperimentId == lucky.Id && j.Text.Contains("DID NOT HOLD UP", StringComparison.Ordinal));
        Assert.Contains(journal, j => j.Text.StartsWith("Held-out re-validation: the search is over", StringComparison.Ordinal));
        Assert.Contains(journal, j => j.Text.StartsWith("Campaign completed", StringComparison.Ordinal)
                                      && j.Text.Contains($"final answer (ranked by held-out): #{honest.Sequence}", StringComparison.Ordinal));
        Assert.NotNull(status.ReportMarkdown);
        var report = await File.ReadAllTextAsync(status.ReportMarkdown!);
        Assert.Contains("## Held-out re-validation", report);
        Assert.Contains("did not hold up", report);
    }
}

/// <summary>Compares summaries by content (records holding lists compare lists by reference).</summary>
internal sealed class HoldoutSummaryComparer : IEqualityComparer<HoldoutSummary>
{
    public static readonly HoldoutSummaryComparer Instance = new();

    public bool Equals(HoldoutSummary? x, HoldoutSummary? y) =>
        x is not null && y is not null && x.FinalAnswerId == y.FinalAnswerId && x.Runs == y.Runs
        && x.Results.Select(Key).SequenceEqual(y.Results.Select(Key)) && Key(x.Baseline) == Key(y.Baseline);

    public int GetHashCode(HoldoutSummary obj) => obj.Runs;

    private static string Key(HoldoutResult? r) => r is null ? "" : $"{r.ExperimentId}|{r.Verdict}|{r.Rank}|{r.HeldOut:R}|{r.InSample:R}";
}

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class DockerClusterCollection : ICollectionFixture<DockerClusterFixture>
{
    public const string Name = "docker-cluster";
}

/// <summary>
/// An in-process cluster wired like <see cref="ClusterFixture"/> but with the real Docker sandbox runner and a scripted
/// proposer (each agent proposes the recipes a test lists for it, in order).
/// </summary>
public sealed class DockerClusterFixture : IAsyncLifetime
{
    public string DataDirectory { get; } = Path.Combine(Path.GetTempPath(), "ar-grains-docker-" + Guid.NewGuid().ToString("N")[..8]);
    public InProcessTestCluster Cluster { get; private set; } = null!;
    public IServiceProvider SiloServices => Cluster.Silos[0].ServiceProvider;
    public ILedger Ledger => SiloServices.GetRequiredService<ILedger>();
    public IJournal Journal => SiloServices.GetRequiredService<IJournal>();
    public IGrainFactory Grains => Cluster.Client;

    /// <summary>Recipes to propose, per "campaign/agent".</summary>
    public System.Collections.Concurrent.ConcurrentDictionary<string, string[]> Proposals { get; } = new();

    public static string FixtureFolder => Path.Combine(AppContext.BaseDirectory, "Fixtures", "lucky-split");

    public static BenchmarkSpec LuckySplit() => new()
    {
        Name = "lucky-split",
        Directory = FixtureFolder,
        Image = "autoresearch/python:latest",
        Command = ["python3", "lucky.py"],
        Files = ["lucky.py"],
        Metric = new MetricSpec { Name = "loss", Direction = Direction.Minimize },
        TimeLimit = TimeSpan.FromSeconds(30),
        Resources = new ResourceSpec { Cpus = 0.5, MemoryMb = 128, Pids = 32 },
        Holdout = new HoldoutSpec { Repeats = 2 },
        Parameters = [new ParameterSpec { Name = "recipe", Type = ParameterType.Choice, Choices = ["default", "honest", "lucky", "bad"], Default = "default" }],
    };

    /// <summary>One scripted agent, one slot (runs in ticket order), the default noise measurement and re-validation of the top 3.</summary>
    public static CampaignSpec LuckyCampaign(string name, int maxExperiments) => new()
    {
        Name = name,
        Goal = "Minimize the loss of the lucky-split benchmark",
        Benchmark = LuckySplit(),
        MaxExperiments = maxExperiments,
        Duration = TimeSpan.FromMinutes(10),
        Slots = 1,
        Agents = [new AgentSpec { Id = "scripted-1", Role = "scripted", Proposer = ScriptedProposer.StrategyName, Seed = 5 }],
    };

    public async Task InitializeAsync() =>
        Cluster = await ClusterFixture.StartAsync(DataDirectory, slots: 2, gpuDeviceIds: [], services =>
        {
            services.AddSingleton<ISandboxRunner>(new DockerSandboxRunner(Microsoft.Extensions.Options.Options.Create(
                new SandboxOptions { Owner = "grains-" + Guid.NewGuid().ToString("N")[..12] })));
            services.AddSingleton<IProposerFactory>(new ScriptedProposerFactory(Proposals));
        });

    public async Task DisposeAsync()
    {
        await Cluster.DisposeAsync();
        try { Directory.Delete(DataDirectory, recursive: true); } catch (IOException) { }
    }
}

internal sealed class ScriptedProposerFactory(System.Collections.Concurrent.ConcurrentDictionary<string, string[]> proposals) : IProposerFactory
{
    public IReadOnlyCollection<string> Strategies => [ScriptedProposer.StrategyName];

    public IProposer Create(AgentSpec agent) => new ScriptedProposer(proposals);
}

/// <summary>Proposes the recipes listed for its campaign and agent, one per round (the last one again once the list is used up).</summary>
internal sealed class ScriptedProposer(System.Collections.Concurrent.ConcurrentDictionary<string, string[]> proposals) : IProposer
{
    public const string StrategyName = "scripted";

    public string Name => StrategyName;

    public Task<Proposal> ProposeAsync(ProposalContext context, CancellationToken cancellationToken)
    {
        var list = proposals.TryGetValue($"{context.CampaignId}/{context.AgentId}", out var l) && l.Length > 0
            ? l
            : throw new InvalidOperationException($"no scripted proposals for {context.CampaignId}/{context.AgentId}");
        var recipe = list[Math.Min(context.Round, list.Length - 1)];
        return Task.FromResult(new Proposal
        {
            Parameters = AutoResearch.Abstractions.Parameters.ParameterSet.FromStored(new Dictionary<string, string>(StringComparer.Ordinal) { ["recipe"] = recipe }),
            Hypothesis = $"scripted: recipe {recipe}",
            ProposerName = Name,
        });
    }
}
