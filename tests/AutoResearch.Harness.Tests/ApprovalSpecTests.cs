using AutoResearch.Abstractions.Specs;

namespace AutoResearch.Harness.Tests;

/// <summary>The campaign's <c>approval:</c> thresholds (experiments over them wait for a person) and the rule that applies them.</summary>
public sealed class ApprovalSpecTests : IDisposable
{
    private readonly TempTree _tree = new();

    public void Dispose() => _tree.Dispose();

    private string CampaignFile => _tree.PathOf("campaigns/demo.yaml");

    private string WithApproval(string approval) =>
        Specs.WriteCampaign(_tree, campaign: Specs.Campaign.With("slots: 2\n", $"slots: 2\napproval: {approval}\n"));

    [Fact]
    public void Without_the_key_nothing_waits()
    {
        var spec = CampaignLoader.Load(Specs.WriteCampaign(_tree));
        Assert.False(spec.Approval.Enabled);
        Assert.Null(spec.Approval.Why(spec.Benchmark));
    }

    [Fact]
    public void Approval_reads_each_threshold()
    {
        var spec = CampaignLoader.Load(WithApproval("{ gpus_over: 0, gpu_hours_over: 1.5, cpu_hours_over: 4 }"));
        Assert.Equal(new ApprovalPolicy { GpusOver = 0, GpuHoursOver = 1.5, CpuHoursOver = 4 }, spec.Approval);
        Assert.True(spec.Approval.Enabled);
    }

    [Fact]
    public void Bad_values_are_named_all_at_once()
    {
        var error = Expect.Invalid(() => CampaignLoader.Load(WithApproval("{ gpus_over: -1, gpu_hours_over: -2, cpu_hours_over: lots }")));
        Expect.Error(error, CampaignFile, "approval.gpus_over", "must be a whole number of GPUs from 0");
        Expect.Error(error, CampaignFile, "approval.gpu_hours_over", "must be 0 or more GPU-hours, not -2");
        Expect.Error(error, CampaignFile, "approval.cpu_hours_over", "lots");
    }

    [Fact]
    public void A_typo_an_empty_mapping_and_a_scalar_are_refused_with_the_keys()
    {
        var typo = Expect.Invalid(() => CampaignLoader.Load(WithApproval("{ gpu_over: 0 }")));
        Expect.Error(typo, CampaignFile, "approval.gpu_over", "gpus_over");
        var empty = Expect.Invalid(() => CampaignLoader.Load(WithApproval("{}")));
        Expect.Error(empty, CampaignFile, "approval", "give at least one of gpus_over, gpu_hours_over, cpu_hours_over");
        var scalar = Expect.Invalid(() => CampaignLoader.Load(WithApproval("yes")));
        Expect.Error(scalar, CampaignFile, "approval", "must be a mapping");
    }

    [Fact]
    public void The_rule_compares_one_run_of_the_benchmark_with_each_threshold()
    {
        var benchmark = CampaignLoader.Load(Specs.WriteCampaign(_tree)).Benchmark with
        {
            TimeLimit = TimeSpan.FromHours(2),
            Resources = new ResourceSpec { Cpus = 4, Gpus = 1 },
        };
        Assert.Contains("uses 1 GPU (approval needed over 0)", new ApprovalPolicy { GpusOver = 0 }.Why(benchmark));
        Assert.Null(new ApprovalPolicy { GpusOver = 1 }.Why(benchmark));
        Assert.Contains("2 GPU-hours (approval needed over 1.5)", new ApprovalPolicy { GpuHoursOver = 1.5 }.Why(benchmark));
        Assert.Null(new ApprovalPolicy { GpuHoursOver = 2 }.Why(benchmark));
        Assert.Contains("8 CPU-hours", new ApprovalPolicy { CpuHoursOver = 7 }.Why(benchmark));
        Assert.Null(new ApprovalPolicy { CpuHoursOver = 8 }.Why(benchmark));
        // A CPU-only benchmark never waits on GPU thresholds.
        var cpuOnly = benchmark with { Resources = new ResourceSpec { Cpus = 1, Gpus = 0 } };
        Assert.Null(new ApprovalPolicy { GpusOver = 0, GpuHoursOver = 0 }.Why(cpuOnly));
    }
}
