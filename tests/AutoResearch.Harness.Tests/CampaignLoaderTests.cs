namespace AutoResearch.Harness.Tests;

public sealed class CampaignLoaderTests : IDisposable
{
    private readonly TempTree _tree = new();

    public void Dispose() => _tree.Dispose();

    private string CampaignFile => _tree.PathOf("campaigns/demo.yaml");

    private string BenchmarkFile => _tree.PathOf("benchmarks/digits-mlp/benchmark.yaml");

    private string ExplorerFile => _tree.PathOf("agents/explorer.yaml");

    [Fact]
    public void LoadsAValidCampaignWithBenchmarkRolesAndOverrides()
    {
        var path = Specs.WriteCampaign(_tree);

        var spec = CampaignLoader.Load(path);

        Assert.Equal("demo", spec.Name);
        Assert.Equal("Lower the validation error", spec.Goal);
        Assert.Equal(24, spec.MaxExperiments);
        Assert.Equal(TimeSpan.FromMinutes(8), spec.Duration);
        Assert.Equal(0.02, spec.Target);
        Assert.Equal(2, spec.Slots);
        Assert.Equal(path, spec.SourceFile);
        Assert.Equal("digits-mlp", spec.Benchmark.Name);
        Assert.Equal(_tree.PathOf("benchmarks/digits-mlp"), spec.Benchmark.Directory);
        Assert.Equal(3, spec.Benchmark.Parameters.Count);

        Assert.Equal(["explorer-1", "tpe-1"], spec.Agents.Select(a => a.Id));
        var explorer = spec.Agents[0];
        Assert.Equal("explorer", explorer.Role);
        Assert.Equal("gp", explorer.Proposer);
        Assert.Null(explorer.Model);
        Assert.Equal(11, explorer.Seed);
        // exploration overridden, kernel removed by the null override, extra added.
        Assert.Equal(new Dictionary<string, string> { ["exploration"] = "0.5", ["extra"] = "yes" }, explorer.Settings);
        Assert.Equal(100, explorer.TokenBudget); // from the role
        Assert.Equal(0, explorer.GpuBudgetSeconds);
        Assert.Equal(1200, explorer.CpuBudgetSeconds); // overridden

        var tpe = spec.Agents[1];
        Assert.Equal("tpe-searcher", tpe.Role); // found by its name: in agents/tpe.yaml
        Assert.Equal("tpe", tpe.Proposer);
        Assert.Equal(StableSeed.For("tpe-1"), tpe.Seed);
        Assert.Empty(tpe.Settings);
        Assert.Equal((0L, 0.0, 0.0), (tpe.TokenBudget, tpe.GpuBudgetSeconds, tpe.CpuBudgetSeconds));
    }

    [Fact]
    public void RoleFileNameAndAbsolutePathsAndExplicitAgentsDirWork()
    {
        Specs.WriteCampaign(_tree);
        _tree.Write("elsewhere/roles/solo.yaml", "name: solo\nproposer: random\n");
        var path = _tree.Write("deep/down/c.yaml", $"""
            name: c
            benchmark: {_tree.PathOf("benchmarks/digits-mlp")}
            agents_dir: ../../elsewhere/roles
            max_experiments: 1
            duration: 30s
            agents:
              - id: a
                role: solo
            """);

        var spec = CampaignLoader.Load(path);

        Assert.Equal("solo", Assert.Single(spec.Agents).Role);
        Assert.Equal("random", spec.Agents[0].Proposer);
        Assert.Equal(0, spec.Slots);
        Assert.Null(spec.Target);
        Assert.Equal("", spec.Goal);
    }

    [Fact]
    public void AgentsDirDefaultsToTheNearestAgentsFolderAbove()
    {
        Specs.WriteCampaign(_tree);
        // A nearer agents/ folder (inside campaigns/) wins over the one at the root.
        _tree.Write("campaigns/agents/explorer.yaml", "name: near-explorer\nproposer: tpe\n");

        var spec = CampaignLoader.Load(_tree.Write("campaigns/near.yaml", """
            name: near
            benchmark: ../benchmarks/digits-mlp
            max_experiments: 1
            duration: 1m
            agents: [{ id: a, role: explorer }]
            """));

        Assert.Equal(("near-explorer", "tpe"), (spec.Agents[0].Role, spec.Agents[0].Proposer));
    }

    [Fact]
    public void CollectsEveryCampaignError()
    {
        var path = Specs.WriteCampaign(_tree, campaign: """
            name: demo
            benchmark: ../benchmarks/digits-mlp
            max_experiments: 0
            duration: soon
            slots: -1
            target: high
            agent: []
            """);

        var e = Expect.Invalid(() => CampaignLoader.Load(path));

        Assert.All(e.Errors, x => Assert.Equal(path, x.File));
        Expect.Error(e, path, "max_experiments", "must be from 1 to");
        Expect.Error(e, path, "duration", "'soon' is not a duration");
        Expect.Error(e, path, "slots", "must be 0 (all the fleet has) or more, not -1");
        Expect.Error(e, path, "target", "must be a number, not 'high'");
        Expect.Error(e, path, "agent", "unknown key (did you mean 'agents'?)");
        Expect.Error(e, path, "agents", "is required");
        Assert.Equal(6, e.Errors.Count);
    }

    [Fact]
    public void AgentErrorsNameTheirIndex()
    {
        var path = Specs.WriteCampaign(_tree, campaign: """
            name: demo
            benchmark: ../benchmarks/digits-mlp
            max_experiments: 5
            duration: 1m
            agents:
              - id: a-1
                role: explorer
                seed: 7
              - id: a-1
                role: explorr
                seed: 7
              - { id: B, role: explorer, sede: 3 }
              - just-a-name
              - id: c
                role: explorer
                settings: { exploration: 2 }
                budgets: { cpu_seconds: soon }
            """);

        var e = Expect.Invalid(() => CampaignLoader.Load(path));

        Expect.Error(e, path, "agents[1].id", "'a-1' is already the id of agents[0]");
        Expect.Error(e, path, "agents[1].role", "no role 'explorr' in");
        Assert.Contains("(did you mean 'explorer'?)", e.Errors.Single(x => x.Field == "agents[1].role").Message, StringComparison.Ordinal);
        Expect.Error(e, path, "agents[1].seed", "seed 7 is also agents[0]'s");
        Expect.Error(e, path, "agents[2].id", "is not valid");
        Expect.Error(e, path, "agents[2].sede", "did you mean 'seed'?");
        Expect.Error(e, path, "agents[3]", "must be a map");
        Expect.Error(e, path, "agents[4].settings.exploration", "must be a number from 0 to 1");
        Expect.Error(e, path, "agents[4].budgets.cpu_seconds", "must be a number");
        Assert.Equal(8, e.Errors.Count);
    }

    [Fact]
    public void RoleAndBenchmarkErrorsNameTheirOwnFilesAllTogether()
    {
        var path = Specs.WriteCampaign(
            _tree,
            campaign: Specs.Campaign.With("max_experiments: 24", "max_experiments: lots"),
            explorer: Specs.Explorer.With("proposer: gp", "proposer: bayes"),
            benchmark: Specs.Benchmark.With("time_limit: 1m30s", "time_limit: -1s"));

        var e = Expect.Invalid(() => CampaignLoader.Load(path));

        Expect.Error(e, path, "max_experiments", "must be a whole number");
        Expect.Error(e, ExplorerFile, "proposer", "unknown strategy 'bayes'");
        Expect.Error(e, BenchmarkFile, "time_limit", "'-1s' is not a duration");
        Assert.Equal(3, e.Errors.Count);
        Assert.Contains($"{ExplorerFile}: proposer: ", e.Message, StringComparison.Ordinal);
        Assert.Contains($"{BenchmarkFile}: time_limit: ", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ARoleUsedByManyAgentsIsReportedOnce()
    {
        var path = Specs.WriteCampaign(
            _tree,
            campaign: Specs.Campaign.With("role: tpe-searcher", "role: explorer"),
            explorer: Specs.Explorer.With("proposer: gp", "proposer: nope"));

        var e = Expect.Invalid(() => CampaignLoader.Load(path));

        Expect.Error(e, ExplorerFile, "proposer", "unknown strategy 'nope'");
        Assert.Single(e.Errors);
    }

    [Fact]
    public void KnownStrategiesArePassedToRoles()
    {
        var path = Specs.WriteCampaign(_tree);

        var e = Expect.Invalid(() => CampaignLoader.Load(path, ["gp"]));

        Expect.Error(e, _tree.PathOf("agents/tpe.yaml"), "proposer", "unknown strategy 'tpe'; known: gp");
    }

    [Fact]
    public void MissingBenchmarkAndAgentsDirAreReportedOnTheCampaign()
    {
        var path = Specs.WriteCampaign(_tree, campaign: Specs.Campaign
            .With("benchmark: ../benchmarks/digits-mlp", "benchmark: ../benchmarks/nope\nagents_dir: ../roles"));

        var e = Expect.Invalid(() => CampaignLoader.Load(path));

        Expect.Error(e, path, "benchmark", $"'../benchmarks/nope' not found (looked for {_tree.PathOf("benchmarks/nope")})");
        Expect.Error(e, path, "agents_dir", "'../roles' is not a folder");
        Assert.Equal(2, e.Errors.Count);
    }

    [Fact]
    public void ABenchmarkFolderWithoutYamlIsReported()
    {
        Directory.CreateDirectory(_tree.PathOf("benchmarks/hollow"));
        var path = Specs.WriteCampaign(_tree, campaign: Specs.Campaign.With("digits-mlp", "hollow"));

        var e = Expect.Invalid(() => CampaignLoader.Load(path));

        Expect.Error(e, path, "benchmark", "holds no benchmark.yaml");
    }

    [Fact]
    public void CampaignYamlSyntaxErrorGivesLine()
    {
        var path = Specs.WriteCampaign(_tree, campaign: "name: demo\nagents:\n  - id: a\n   role: x\n");

        var e = Expect.Invalid(() => CampaignLoader.Load(path));

        var error = Assert.Single(e.Errors);
        Assert.Equal((path, "(yaml)"), (error.File, error.Field));
        Assert.Equal(4, error.Line);
    }

    [Fact]
    public void SeedsDeriveStablyFromIds()
    {
        Assert.Equal(StableSeed.For("explorer-1"), StableSeed.For("explorer-1"));
        Assert.NotEqual(StableSeed.For("explorer-1"), StableSeed.For("explorer-2"));
        Assert.InRange(StableSeed.For("x"), 0, int.MaxValue);
        // FNV-1a 32 of "a" is 0xE40C292C; masked to 31 bits.
        Assert.Equal(0x640C292C, StableSeed.For("a"));
    }
}
