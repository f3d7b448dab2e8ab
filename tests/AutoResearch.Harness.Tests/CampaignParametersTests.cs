using AutoResearch.Abstractions.Specs;

namespace AutoResearch.Harness.Tests;

/// <summary>The campaign file's <c>parameters:</c> (fix, narrow, trim without editing the benchmark) and <c>min_improvement</c>.</summary>
public sealed class CampaignParametersTests : IDisposable
{
    private readonly TempTree _tree = new();

    public void Dispose() => _tree.Dispose();

    private string CampaignFile => _tree.PathOf("campaigns/demo.yaml");

    private CampaignSpec LoadWith(string section) =>
        CampaignLoader.Load(Specs.WriteCampaign(_tree, campaign: Specs.Campaign.With("slots: 2\n", "slots: 2\n" + section)));

    private SpecValidationException InvalidWith(string section) =>
        Expect.Invalid(() => LoadWith(section));

    [Fact]
    public void Fixed_parameters_leave_the_search_and_reach_every_run_with_their_value()
    {
        var spec = LoadWith("parameters:\n  lr: { value: 0.01 }\n  activation: relu\n");

        Assert.Equal(["hidden"], spec.Benchmark.Parameters.Select(p => p.Name));
        var lr = Assert.Single(spec.Benchmark.FixedParameters, p => p.Name == "lr");
        Assert.Equal("0.01", lr.Default);
        Assert.Equal((0.01, 0.01), (lr.Min!.Value, lr.Max!.Value));
        Assert.Equal(ParameterType.Float, lr.Type);
        var activation = Assert.Single(spec.Benchmark.FixedParameters, p => p.Name == "activation");
        Assert.Equal("relu", activation.Default);
        Assert.Equal(["relu"], activation.Choices);

        // The baseline's parameters are the searched ones; a run is given the searched and the fixed ones.
        Assert.Equal(new Dictionary<string, string> { ["hidden"] = "32" }, spec.Benchmark.Defaults().ToText());
        Assert.Equal(["hidden", "lr", "activation"], spec.Benchmark.RunParameters().Select(p => p.Name));
        Assert.Null(spec.Benchmark.FixedSeed);
    }

    [Fact]
    public void Ranges_narrow_choices_trim_and_the_baseline_default_can_move()
    {
        var spec = LoadWith("parameters:\n  lr: { min: 0.001, max: 0.1 }\n  hidden: { min: 64, default: 64 }\n  activation: { choices: [tanh, relu] }\n");

        var lr = spec.Benchmark.Parameters.Single(p => p.Name == "lr");
        Assert.Equal((0.001, 0.1, true, "0.05"), (lr.Min!.Value, lr.Max!.Value, lr.Log, lr.Default));
        var hidden = spec.Benchmark.Parameters.Single(p => p.Name == "hidden");
        Assert.Equal((64.0, 256.0, "64"), (hidden.Min!.Value, hidden.Max!.Value, hidden.Default));
        Assert.Equal(["relu", "tanh"], spec.Benchmark.Parameters.Single(p => p.Name == "activation").Choices);
        Assert.Empty(spec.Benchmark.FixedParameters);

        // A single kept choice, or min = max, fixes the parameter.
        using var other = new TempTree();
        var pinned = CampaignLoader.Load(Specs.WriteCampaign(other, campaign: Specs.Campaign.With("slots: 2\n",
            "slots: 2\nparameters:\n  activation: { choices: [relu] }\n  hidden: { min: 128, max: 128 }\n")));
        Assert.Equal(["lr"], pinned.Benchmark.Parameters.Select(p => p.Name));
        Assert.Equal(["activation", "hidden"], pinned.Benchmark.FixedParameters.Select(p => p.Name).Order());
        Assert.Equal("128", pinned.Benchmark.FixedParameters.Single(p => p.Name == "hidden").Default);
    }

    [Fact]
    public void Seed_pins_AR_SEED_when_the_benchmark_has_no_seed_parameter()
    {
        var spec = LoadWith("parameters:\n  seed: 0\n");
        Assert.Equal(0, spec.Benchmark.FixedSeed);
        Assert.Equal(3, spec.Benchmark.Parameters.Count);

        // A benchmark that declares a seed parameter gets that parameter fixed instead.
        using var tree = new TempTree();
        var benchmark = Specs.Benchmark + "\n  seed:       { type: int, min: 0, max: 1000, default: 7 }\n";
        var declared = CampaignLoader.Load(Specs.WriteCampaign(tree, benchmark: benchmark,
            campaign: Specs.Campaign.With("slots: 2\n", "slots: 2\nparameters:\n  seed: 0\n")));
        Assert.Null(declared.Benchmark.FixedSeed);
        Assert.Equal("0", Assert.Single(declared.Benchmark.FixedParameters).Default);
    }

    [Fact]
    public void Bad_overrides_are_named_with_what_is_wrong()
    {
        var e = InvalidWith("""
            parameters:
              lrr: 0.1
              lr: { min: 0.00001, max: 2 }
              hidden: 12.5
              activation: { choices: [relu, gelu] }
              seed: -3
            """ + "\n");
        Expect.Error(e, CampaignFile, "parameters.lrr", "no parameter 'lrr' (did you mean 'lr'?)");
        Expect.Error(e, CampaignFile, "parameters.lr.min", "outside the benchmark's range [0.0001, 1] of 'lr'");
        Expect.Error(e, CampaignFile, "parameters.lr.max", "a campaign can narrow a range, not widen it");
        Expect.Error(e, CampaignFile, "parameters.hidden", "'hidden' is an int parameter: '12.5' is not an integer");
        Expect.Error(e, CampaignFile, "parameters.activation.choices[1]", "'gelu' is not a choice of 'activation' (relu, tanh)");
        Expect.Error(e, CampaignFile, "parameters.seed", "must be a seed");
    }

    [Fact]
    public void A_narrowed_range_or_trimmed_choices_that_drop_the_default_need_a_default()
    {
        var e = InvalidWith("parameters:\n  lr: { min: 0.1, max: 0.5 }\n  activation: { choices: [relu, tanh], default: gelu }\n  hidden: { value: 64, min: 16 }\n");
        Expect.Error(e, CampaignFile, "parameters.lr", "leaves out the benchmark's default 0.05");
        Expect.Error(e, CampaignFile, "parameters.activation.default", "'gelu' is not one of the kept choices");
        Expect.Error(e, CampaignFile, "parameters.hidden.min", "cannot go with value");

        var fixedOutside = InvalidWith("parameters:\n  lr: 3\n  hidden: { min: 300 }\n");
        Expect.Error(fixedOutside, CampaignFile, "parameters.lr", "3 is outside [0.0001, 1] of 'lr'");
        Expect.Error(fixedOutside, CampaignFile, "parameters.hidden.min", "300 is outside");
    }

    [Theory]
    [InlineData("0.5%", 0.005, true)]
    [InlineData("1 %", 0.01, true)]
    [InlineData("0.001", 0.001, false)]
    [InlineData("0", 0.0, false)]
    public void Min_improvement_is_relative_with_a_percent_sign_and_absolute_without(string text, double value, bool relative)
    {
        var spec = LoadWith($"min_improvement: {text}\n");
        Assert.Equal(new MinImprovement { Value = value, Relative = relative, Stated = true }, spec.Noise.MinImprovement);
        Assert.Equal(spec.Noise.MinImprovement, spec.Noise.EffectiveMinImprovement);
    }

    [Fact]
    public void Without_min_improvement_the_default_is_one_percent_and_not_stated()
    {
        var spec = CampaignLoader.Load(Specs.WriteCampaign(_tree));
        Assert.Null(spec.Noise.MinImprovement);
        Assert.Equal(MinImprovement.Default, spec.Noise.EffectiveMinImprovement);
        Assert.Equal((0.01, true, false), (MinImprovement.Default.Value, MinImprovement.Default.Relative, MinImprovement.Default.Stated));
        Assert.Equal("1 %", MinImprovement.Default.ToString());
    }

    [Theory]
    [InlineData("-1")]
    [InlineData("150%")]
    [InlineData("lots")]
    public void Bad_min_improvement_is_named(string text)
    {
        var e = InvalidWith($"min_improvement: {text}\n");
        Expect.Error(e, CampaignFile, "min_improvement", "must be a percentage of the best's mean");
    }
}
