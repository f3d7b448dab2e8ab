using AutoResearch.Abstractions.Specs;

namespace AutoResearch.Harness.Tests;

/// <summary>The benchmark's <c>holdout:</c> (a held-out evaluation) and the campaign's <c>holdout:</c> (what is re-validated).</summary>
public sealed class HoldoutSpecTests : IDisposable
{
    private readonly TempTree _tree = new();

    public void Dispose() => _tree.Dispose();

    private string CampaignFile => _tree.PathOf("campaigns/demo.yaml");

    private string BenchmarkFile => _tree.PathOf("benchmarks/digits-mlp/benchmark.yaml");

    [Fact]
    public void Without_the_key_a_benchmark_has_no_held_out_evaluation_and_a_campaign_re_validates_the_top_three()
    {
        var spec = CampaignLoader.Load(Specs.WriteCampaign(_tree));
        Assert.Null(spec.Benchmark.Holdout);
        Assert.Equal(new HoldoutPolicy { TopK = 3, OnNewBest = false }, spec.Holdout);
        Assert.True(spec.Holdout.Enabled);
    }

    [Fact]
    public void Benchmark_holdout_reads_repeats_and_defaults_to_two()
    {
        var two = BenchmarkLoader.Load(Specs.WriteBenchmark(_tree, yaml: Specs.Benchmark + "\nholdout: {}\n"));
        Assert.Equal(2, two.Holdout!.Repeats);
        var bare = BenchmarkLoader.Load(Specs.WriteBenchmark(_tree, yaml: Specs.Benchmark + "\nholdout:\n"));
        Assert.Equal(2, bare.Holdout!.Repeats);
        var five = BenchmarkLoader.Load(Specs.WriteBenchmark(_tree, yaml: Specs.Benchmark + "\nholdout: { repeats: 5 }\n"));
        Assert.Equal(5, five.Holdout!.Repeats);
    }

    [Fact]
    public void Bad_benchmark_holdout_values_are_named()
    {
        var zero = Expect.Invalid(() => BenchmarkLoader.Load(Specs.WriteBenchmark(_tree, yaml: Specs.Benchmark + "\nholdout: { repeats: 0 }\n")));
        Expect.Error(zero, BenchmarkFile, "holdout.repeats", "must be from 1 to 20");
        var typo = Expect.Invalid(() => BenchmarkLoader.Load(Specs.WriteBenchmark(_tree, yaml: Specs.Benchmark + "\nholdout: { repeat: 3 }\n")));
        Expect.Error(typo, BenchmarkFile, "holdout.repeat", "repeats");
        var word = Expect.Invalid(() => BenchmarkLoader.Load(Specs.WriteBenchmark(_tree, yaml: Specs.Benchmark + "\nholdout: yes\n")));
        Expect.Error(word, BenchmarkFile, "holdout", "must be a mapping");
    }

    [Fact]
    public void Campaign_holdout_reads_top_k_and_on_new_best_or_off()
    {
        var spec = CampaignLoader.Load(Specs.WriteCampaign(_tree, campaign: Specs.Campaign.With("slots: 2\n", "slots: 2\nholdout: { top_k: 5, on_new_best: true }\n")));
        Assert.Equal(new HoldoutPolicy { TopK = 5, OnNewBest = true }, spec.Holdout);

        var off = CampaignLoader.Load(Specs.WriteCampaign(_tree, campaign: Specs.Campaign.With("slots: 2\n", "slots: 2\nholdout: off\n")));
        Assert.Equal(HoldoutPolicy.Off, off.Holdout);
        Assert.False(off.Holdout.Enabled);
    }

    [Fact]
    public void Bad_campaign_holdout_values_are_named()
    {
        var e = Expect.Invalid(() => CampaignLoader.Load(Specs.WriteCampaign(_tree, campaign: Specs.Campaign.With("slots: 2\n", "slots: 2\nholdout: { top_k: -1, on_new_best: maybe }\n"))));
        Expect.Error(e, CampaignFile, "holdout.top_k", "from 0");
        Expect.Error(e, CampaignFile, "holdout.on_new_best", "");
        var word = Expect.Invalid(() => CampaignLoader.Load(Specs.WriteCampaign(_tree, campaign: Specs.Campaign.With("slots: 2\n", "slots: 2\nholdout: loud\n"))));
        Expect.Error(word, CampaignFile, "holdout", "must be 'off' or a mapping");
    }
}
