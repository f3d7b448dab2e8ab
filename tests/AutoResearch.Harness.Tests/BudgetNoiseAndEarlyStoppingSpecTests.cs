using AutoResearch.Abstractions.Specs;

namespace AutoResearch.Harness.Tests;

/// <summary>The keys added for multi-agent campaigns: budget, noise, weights, and benchmark early stopping.</summary>
public sealed class BudgetNoiseAndEarlyStoppingSpecTests : IDisposable
{
    private readonly TempTree _tree = new();

    public void Dispose() => _tree.Dispose();

    private string CampaignFile => _tree.PathOf("campaigns/demo.yaml");

    private string BenchmarkFile => _tree.PathOf("benchmarks/digits-mlp/benchmark.yaml");

    [Fact]
    public void Defaults_measure_noise_with_three_baseline_runs_and_leave_budgets_and_early_stopping_off()
    {
        var spec = CampaignLoader.Load(Specs.WriteCampaign(_tree));
        Assert.Equal(new NoiseSpec(), spec.Noise);
        Assert.Equal(3, spec.Noise.BaselineRuns);
        Assert.True(spec.Budget.IsUnlimited);
        Assert.Equal(1, spec.Weight);
        Assert.All(spec.Agents, a => Assert.Equal(1, a.Weight));
        Assert.False(spec.Benchmark.EarlyStopping.Enabled);
    }

    [Fact]
    public void Campaign_budget_noise_and_weights_are_read_and_agent_weights_override_the_role()
    {
        var campaign = Specs.Campaign
            .With("slots: 2\n", "slots: 2\nweight: 2.5\nbudget: { tokens: 2000000, gpu_seconds: 144000, cpu_seconds: 7200 }\nnoise: { baseline_runs: 5, confirmation_runs: 1, sigmas: 2.5, prefer_better_mean: false }\n")
            .With("    role: tpe-searcher", "    role: tpe-searcher\n    weight: 3");
        var spec = CampaignLoader.Load(Specs.WriteCampaign(_tree, campaign: campaign, explorer: Specs.Explorer + "\nweight: 0.5\n"));

        Assert.Equal(2.5, spec.Weight);
        Assert.Equal(new BudgetSpec { Tokens = 2_000_000, GpuSeconds = 144_000, CpuSeconds = 7200 }, spec.Budget);
        Assert.Equal(new NoiseSpec { BaselineRuns = 5, ConfirmationRuns = 1, Sigmas = 2.5, PreferBetterMean = false }, spec.Noise);
        Assert.Equal(0.5, spec.Agents[0].Weight);
        Assert.Equal(3, spec.Agents[1].Weight);
    }

    [Fact]
    public void Noise_off_turns_measurement_and_margin_off()
    {
        var spec = CampaignLoader.Load(Specs.WriteCampaign(_tree, campaign: Specs.Campaign.With("slots: 2\n", "slots: 2\nnoise: off\n")));
        Assert.Equal(NoiseSpec.Off, spec.Noise);
    }

    [Fact]
    public void Bad_budget_noise_and_weight_values_are_named()
    {
        var campaign = Specs.Campaign
            .With("slots: 2\n", "slots: 2\nweight: 0\nbudget: { cpu_seconds: -5, gpus: 1 }\nnoise: { baseline_runs: 0, confirmation_runs: -1, sigmas: -2, prefer_better_mean: sometimes }\n")
            .With("    role: tpe-searcher", "    role: tpe-searcher\n    weight: -1");
        var e = Expect.Invalid(() => CampaignLoader.Load(Specs.WriteCampaign(_tree, campaign: campaign)));
        Expect.Error(e, CampaignFile, "weight", "must be more than 0");
        Expect.Error(e, CampaignFile, "budget.cpu_seconds", "must be 0 or more");
        Expect.Error(e, CampaignFile, "budget.gpus", "gpu_seconds");
        Expect.Error(e, CampaignFile, "noise.baseline_runs", "from 1 (no noise measurement)");
        Expect.Error(e, CampaignFile, "noise.confirmation_runs", "from 0 to 100");
        Expect.Error(e, CampaignFile, "noise.sigmas", "0 or more");
        Expect.Error(e, CampaignFile, "noise.prefer_better_mean", "true or false");
        Expect.Error(e, CampaignFile, "agents[1].weight", "must be more than 0");

        var word = Expect.Invalid(() => CampaignLoader.Load(Specs.WriteCampaign(_tree, campaign: Specs.Campaign.With("slots: 2\n", "slots: 2\nnoise: loud\n"))));
        Expect.Error(word, CampaignFile, "noise", "must be 'off' or a mapping");
    }

    [Fact]
    public void Early_stopping_is_read_with_defaults_for_what_is_not_given()
    {
        var yaml = Specs.Benchmark + "\nearly_stopping: { rule: successive_halving, min_step: 5, eta: 2 }\n";
        var spec = BenchmarkLoader.Load(Specs.WriteBenchmark(_tree, yaml: yaml));
        Assert.Equal(new EarlyStoppingSpec { Rule = EarlyStoppingRule.SuccessiveHalving, MinStep = 5, Eta = 2, MinRuns = 3 }, spec.EarlyStopping);

        var median = BenchmarkLoader.Load(Specs.WriteBenchmark(_tree, yaml: Specs.Benchmark + "\nearly_stopping: { rule: median, metric: train_loss, min_runs: 4 }\n"));
        Assert.Equal(EarlyStoppingRule.Median, median.EarlyStopping.Rule);
        Assert.Equal("train_loss", median.EarlyStopping.Metric);
        Assert.Equal(4, median.EarlyStopping.MinRuns);

        var none = BenchmarkLoader.Load(Specs.WriteBenchmark(_tree, yaml: Specs.Benchmark + "\nearly_stopping: { rule: none }\n"));
        Assert.False(none.EarlyStopping.Enabled);
    }

    [Fact]
    public void Bad_early_stopping_values_are_named_with_a_suggestion()
    {
        var yaml = Specs.Benchmark + "\nearly_stopping: { rule: medain, min_step: 0, min_runs: 0, eta: 1, patience: 3 }\n";
        var e = Expect.Invalid(() => BenchmarkLoader.Load(Specs.WriteBenchmark(_tree, yaml: yaml)));
        Expect.Error(e, BenchmarkFile, "early_stopping.rule", "did you mean 'median'");
        Expect.Error(e, BenchmarkFile, "early_stopping.min_step", "must be 1 or more");
        Expect.Error(e, BenchmarkFile, "early_stopping.min_runs", "from 1 to 10000");
        Expect.Error(e, BenchmarkFile, "early_stopping.eta", "more than 1");
        Expect.Error(e, BenchmarkFile, "early_stopping.patience", "unknown key");

        var missing = Expect.Invalid(() => BenchmarkLoader.Load(Specs.WriteBenchmark(_tree, yaml: Specs.Benchmark + "\nearly_stopping: { min_step: 2 }\n")));
        Expect.Error(missing, BenchmarkFile, "early_stopping.rule", "required");
    }

    [Fact]
    public void Budget_and_budgets_mixed_up_between_campaign_and_agent_level_get_a_suggestion()
    {
        var campaign = Specs.Campaign
            .With("slots: 2\n", "slots: 2\nbudgets: { cpu_seconds: 100 }\n")
            .With("    budgets: { cpu_seconds: 1200 }", "    budget: { cpu_seconds: 1200 }");
        var e = Expect.Invalid(() => CampaignLoader.Load(Specs.WriteCampaign(_tree, campaign: campaign)));
        Expect.Error(e, CampaignFile, "budgets", "did you mean 'budget'");
        Expect.Error(e, CampaignFile, "agents[0].budget", "did you mean 'budgets'");
    }

    [Fact]
    public void Partial_noise_keeps_the_defaults_for_what_is_not_given_and_whole_token_budgets_are_required()
    {
        var spec = CampaignLoader.Load(Specs.WriteCampaign(_tree, campaign: Specs.Campaign.With("slots: 2\n", "slots: 2\nnoise: { sigmas: 0 }\n")));
        Assert.Equal(new NoiseSpec { BaselineRuns = 3, ConfirmationRuns = 2, Sigmas = 0 }, spec.Noise);

        var fraction = Expect.Invalid(() => CampaignLoader.Load(Specs.WriteCampaign(_tree, campaign: Specs.Campaign.With("slots: 2\n", "slots: 2\nbudget: { tokens: 1.5 }\n"))));
        Expect.Error(fraction, CampaignFile, "budget.tokens", "1.5");
    }

    [Fact]
    public void A_bad_role_weight_is_named_in_the_role_file()
    {
        var e = Expect.Invalid(() => CampaignLoader.Load(Specs.WriteCampaign(_tree, explorer: Specs.Explorer + "\nweight: 0\n")));
        Expect.Error(e, _tree.PathOf("agents/explorer.yaml"), "weight", "must be more than 0");

        var word = Expect.Invalid(() => AgentRoleLoader.Load(_tree.Write("agents/heavy.yaml", "name: heavy\nproposer: gp\nweight: lots\n")));
        Expect.Error(word, _tree.PathOf("agents/heavy.yaml"), "weight", "lots");
    }

    [Fact]
    public void Early_stopping_must_be_a_mapping_with_an_identifier_for_a_metric()
    {
        var scalar = Expect.Invalid(() => BenchmarkLoader.Load(Specs.WriteBenchmark(_tree, yaml: Specs.Benchmark + "\nearly_stopping: median\n")));
        Expect.Error(scalar, BenchmarkFile, "early_stopping", "must be a mapping such as { rule: median");

        var metric = Expect.Invalid(() => BenchmarkLoader.Load(Specs.WriteBenchmark(_tree, yaml: Specs.Benchmark + "\nearly_stopping: { rule: median, metric: val-error }\n")));
        Expect.Error(metric, BenchmarkFile, "early_stopping.metric", "val-error");

        var off = BenchmarkLoader.Load(Specs.WriteBenchmark(_tree, yaml: Specs.Benchmark));
        Assert.Equal(new EarlyStoppingSpec(), off.EarlyStopping);
        Assert.Equal(EarlyStoppingRule.None, off.EarlyStopping.Rule);
    }

    [Fact]
    public void The_ablation_strategy_is_known_to_role_files()
    {
        _tree.Write("agents/ablator.yaml", "name: ablator\nproposer: ablation\nweight: 0.5\n");
        var role = AgentRoleLoader.Load(_tree.PathOf("agents/ablator.yaml"));
        Assert.Equal("ablation", role.Proposer);
        Assert.Equal(0.5, role.Weight);
    }
}
