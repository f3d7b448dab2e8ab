namespace AutoResearch.Harness.Tests;

/// <summary>The campaign, role and benchmark files shipped in the repository all load.</summary>
public sealed class RepositorySpecsTests
{
    private static string RepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "AutoResearch.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("AutoResearch.sln not found above " + AppContext.BaseDirectory);
    }

    [Theory]
    [InlineData("explorer.yaml", "explorer", "portfolio")]
    [InlineData("exploiter.yaml", "exploiter", "portfolio")]
    [InlineData("portfolio.yaml", "portfolio", "portfolio")]
    [InlineData("tpe.yaml", "tpe-searcher", "tpe")]
    [InlineData("random.yaml", "random", "random")]
    public void RoleFilesLoad(string file, string name, string proposer)
    {
        var role = AgentRoleLoader.Load(Path.Combine(RepoRoot(), "agents", file));

        Assert.Equal((name, proposer), (role.Name, role.Proposer));
        Assert.NotEmpty(role.Description);
    }

    [Fact]
    public void ExplorerExploresMoreThanExploiter()
    {
        var explorer = AgentRoleLoader.Load(Path.Combine(RepoRoot(), "agents", "explorer.yaml"));
        var exploiter = AgentRoleLoader.Load(Path.Combine(RepoRoot(), "agents", "exploiter.yaml"));

        Assert.True(double.Parse(explorer.Settings["exploration"], System.Globalization.CultureInfo.InvariantCulture)
            > double.Parse(exploiter.Settings["exploration"], System.Globalization.CultureInfo.InvariantCulture));

        // The exploiter's GP member searches a trust region around the best (BENCHMARKS.md, "More seeds, and a trust region"); the explorer's stays global.
        Assert.Equal("1", exploiter.Settings["trust_region"]);
        Assert.False(explorer.Settings.ContainsKey("trust_region"));
    }

    [Theory]
    [InlineData("demo.yaml", "digits-mlp", 3, 30, 15 * 60, 2)]
    [InlineData("branin.yaml", "branin", 2, 30, 5 * 60, 0)]
    [InlineData("tiny-lm.yaml", "tiny-lm", 2, 12, 20 * 60, 0)]
    public void CampaignsLoad(string file, string benchmark, int agents, int maxExperiments, int seconds, int slots)
    {
        var spec = CampaignLoader.Load(Path.Combine(RepoRoot(), "campaigns", file));

        Assert.Equal(benchmark, spec.Benchmark.Name);
        Assert.Equal(agents, spec.Agents.Count);
        Assert.Equal(maxExperiments, spec.MaxExperiments);
        Assert.Equal(TimeSpan.FromSeconds(seconds), spec.Duration);
        Assert.Equal(slots, spec.Slots);
        Assert.Equal(spec.Agents.Count, spec.Agents.Select(a => a.Seed).Distinct().Count());
        Assert.NotEmpty(spec.Benchmark.Parameters);
    }

    [Theory]
    [InlineData("digits-mlp", "train_loss")]
    [InlineData("tiny-lm", "train_bpb")]
    public void ShippedBenchmarksLeaveEarlyStoppingOffAndTheirCommentedExamplesLoad(string benchmark, string monitored)
    {
        var source = Path.Combine(RepoRoot(), "sandboxes", "benchmarks", benchmark);
        Assert.False(BenchmarkLoader.Load(source).EarlyStopping.Enabled);

        var yaml = File.ReadAllLines(Path.Combine(source, BenchmarkLoader.FileName));
        var examples = yaml.Select((line, index) => (line, index)).Where(x => x.line.StartsWith("# early_stopping:", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(examples);
        using var tree = new TempTree();
        foreach (var file in Directory.EnumerateFiles(source))
        {
            File.Copy(file, tree.PathOf(Path.GetFileName(file)));
        }

        foreach (var (line, index) in examples)
        {
            var edited = yaml.ToArray();
            edited[index] = line[2..];
            File.WriteAllLines(tree.PathOf(BenchmarkLoader.FileName), edited);
            var spec = BenchmarkLoader.Load(tree.Root);
            // The training run's own (untrusted) progress metric: the objective comes from the trusted scorer only.
            Assert.Equal(monitored, spec.EarlyStopping.Metric ?? spec.Metric.Name);
            Assert.Equal(!line.Contains("rule: none", StringComparison.Ordinal), spec.EarlyStopping.Enabled);
        }
    }

    [Theory]
    [InlineData("digits-mlp", new[] { "score.py" }, new[] { "train_data.npz" })]
    [InlineData("tiny-lm", new[] { "score.py", "val.txt", "holdout.txt" }, new[] { "train.txt", "model.py" })]
    public void ShippedTrainingBenchmarksAreScoredByATrustedScorerWhoseDataTheTrainingRunNeverSees(string benchmark, string[] scorerOnly, string[] trainingFiles)
    {
        var spec = BenchmarkLoader.Load(Path.Combine(RepoRoot(), "sandboxes", "benchmarks", benchmark));

        Assert.NotNull(spec.Scorer);
        Assert.NotNull(spec.Metric.RangeLow);
        Assert.NotNull(spec.Metric.RangeHigh);
        foreach (var file in scorerOnly)
        {
            Assert.Contains(file, spec.Scorer.Files);
            Assert.DoesNotContain(file, spec.Files);
        }

        Assert.All(trainingFiles, f => Assert.Contains(f, spec.Files));
        Assert.Empty(spec.Scorer.Files.Intersect(spec.Editable));
    }
}
