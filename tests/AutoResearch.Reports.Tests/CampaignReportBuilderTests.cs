using AutoResearch.Abstractions.Experiments;
using AutoResearch.Abstractions.Specs;

namespace AutoResearch.Reports.Tests;

public sealed class CampaignReportBuilderTests
{
    [Fact]
    public async Task Builds_headline_numbers_from_the_ledger()
    {
        var (ledger, journal) = await SampleCampaign.SeedAsync();
        var model = await new CampaignReportBuilder(ledger, journal).BuildAsync(SampleCampaign.Id);

        Assert.Equal("digits-night", model.Name);
        Assert.Equal("digits-mlp", model.BenchmarkName);
        Assert.Equal("val_loss", model.MetricName);
        Assert.Equal(Direction.Minimize, model.Direction);
        Assert.Equal(CampaignState.Completed, model.State);
        Assert.Equal(0.50, model.BaselineObjective);
        Assert.Equal(0.40, model.BestObjective);
        Assert.Equal(12, model.Best!.Sequence);
        Assert.Equal("exploiter-1", model.Best.AgentId);
        Assert.Equal(0.20, model.RelativeImprovement!.Value, 10);
        Assert.Equal((16, 10, 6, 0), (model.Total, model.Succeeded, model.Failed, model.Pending));
    }

    [Fact]
    public void Groups_failures_by_kind_most_frequent_first()
    {
        var model = SampleCampaign.Model();

        Assert.Equal(FailureKind.Crash, model.FailuresByKind[0].Kind);
        Assert.Equal(2, model.FailuresByKind[0].Count);
        var counts = model.FailuresByKind.ToDictionary(g => g.Kind, g => g.Count);
        Assert.Equal(
            new Dictionary<FailureKind, int>
            {
                [FailureKind.Crash] = 2, [FailureKind.Timeout] = 1, [FailureKind.OutOfMemory] = 1,
                [FailureKind.NoMetric] = 1, [FailureKind.Rejected] = 1,
            },
            counts);
        Assert.All(model.FailuresByKind, g => Assert.False(string.IsNullOrEmpty(g.ExampleReason)));
    }

    [Fact]
    public void Computes_per_agent_rows()
    {
        var agents = SampleCampaign.Model().Agents.ToDictionary(a => a.Id);

        Assert.Equal(["explorer-1", "exploiter-1", "scout-1"], SampleCampaign.Model().Agents.Select(a => a.Id));
        var explorer = agents["explorer-1"];
        Assert.Equal((6, 6, 0, 4), (explorer.Experiments, explorer.Succeeded, explorer.Failed, explorer.NewBests));
        Assert.Equal(0.41, explorer.Best);
        Assert.Equal((5 + 5 + 5 + 6 + 6 + 6) * 60, explorer.CpuSeconds, 6);
        Assert.Equal(3600, explorer.CpuBudgetSeconds);

        var exploiter = agents["exploiter-1"];
        Assert.Equal((5, 3, 2, 1), (exploiter.Experiments, exploiter.Succeeded, exploiter.Failed, exploiter.NewBests));
        Assert.Equal(0.40, exploiter.Best);

        var scout = agents["scout-1"];
        Assert.Equal((5, 1, 4), (scout.Experiments, scout.Succeeded, scout.Failed));
        Assert.Equal(0.47, scout.Best);
        Assert.Equal(200, scout.GpuSeconds);
        Assert.Equal("gpt-test", scout.Model);
    }

    [Fact]
    public void Best_so_far_steps_in_finish_order()
    {
        var model = SampleCampaign.Model();

        Assert.Equal([0.50, 0.48, 0.45, 0.44, 0.40], model.BestSoFar.Select(p => p.Value));
        Assert.Equal([5.0, 10, 15, 21, 25], model.BestSoFar.Select(p => p.ElapsedMinutes));
        Assert.Equal([1, 2, 5, 8, 12], model.Experiments.Where(r => r.IsNewBest).Select(r => r.Sequence));
        Assert.Single(model.Experiments, r => r.IsBest);
    }

    [Fact]
    public void Experiment_rows_show_changed_parameters_and_reasons()
    {
        var rows = SampleCampaign.Model().Experiments.ToDictionary(r => r.Sequence);

        Assert.Equal("(defaults)", rows[1].KeyParameters);
        Assert.Equal("hidden=256, lr=0.015", rows[12].KeyParameters);
        Assert.Equal("activation=gelu + edits", rows[7].KeyParameters);
        Assert.Equal(TimeSpan.FromMinutes(11), rows[12].Duration);
        Assert.Null(rows[12].Reason);
        Assert.Equal("Exit code 1: ValueError: loss is NaN", rows[6].Reason);
        Assert.Equal(FailureKind.Rejected, rows[16].Failure);
        Assert.Null(rows[16].Duration);
    }

    [Fact]
    public void Journal_keeps_the_latest_reflections_per_agent()
    {
        var journal = SampleCampaign.Model().Journal;

        Assert.Equal(["explorer-1", "exploiter-1", "scout-1"], journal.Select(j => j.Author));
        var explorer = journal[0];
        Assert.Equal(4, explorer.Total);
        Assert.Equal(3, explorer.Recent.Count);
        Assert.DoesNotContain(explorer.Recent, e => e.Text.StartsWith("OLDEST", StringComparison.Ordinal));
        Assert.EndsWith("0.015.", explorer.Recent[^1].Text);
    }

    [Fact]
    public void Reproduce_info_points_at_the_best()
    {
        var rep = SampleCampaign.Model().Reproduce!;

        Assert.Equal($"{SampleCampaign.Id}/exploiter-1/0012", rep.ExperimentId);
        Assert.Equal("sha256:0123456789abcdef", rep.ImageId);
        Assert.Equal(1012, rep.Seed);
        Assert.Equal(["activation", "hidden", "lr"], rep.Parameters.Select(p => p.Key));
        Assert.Equal(
            "docker run --rm --network none -v \"$PWD\":/work -w /work -e AR_SEED=1012 -e AR_PARAMS_FILE=/work/params.json"
            + " -e AR_OUTPUT_DIR=/work/out -e AR_PARAM_ACTIVATION=relu -e AR_PARAM_HIDDEN=256 -e AR_PARAM_LR=0.015"
            + " --entrypoint python sha256:0123456789abcdef train.py",
            rep.CommandLine);
    }

    [Theory]
    [InlineData("lr", "AR_PARAM_LR")]
    [InlineData("batch-size", "AR_PARAM_BATCH_SIZE")]
    [InlineData("model.width2", "AR_PARAM_MODEL_WIDTH2")]
    public void Parameter_variables_are_named_as_the_sandbox_names_them(string name, string expected) =>
        Assert.Equal(expected, ReproduceCommandLine.EnvName(name));

    [Fact]
    public void Shell_quoting_survives_quotes_and_spaces() =>
        Assert.Equal("'it'\\''s a b'", ReproduceCommandLine.Quote("it's a b"));

    [Fact]
    public void Maximize_campaign_picks_the_highest_and_reports_a_positive_gain()
    {
        const string id = "acc-max";
        var campaign = SampleCampaign.Campaign(id, Direction.Maximize, "accuracy");
        List<ExperimentRecord> experiments =
        [
            SampleCampaign.Experiment(id, 1, "explorer-1", "baseline", 0.80, 0, 5, baseline: true),
            SampleCampaign.Experiment(id, 2, "explorer-1", "gp", 0.75, 5, 10, new() { ["lr"] = "0.5" }),
            SampleCampaign.Experiment(id, 3, "exploiter-1", "tpe", 0.92, 5, 12, new() { ["hidden"] = "256" }),
            SampleCampaign.Experiment(id, 4, "exploiter-1", "tpe", 0.90, 12, 15, new() { ["hidden"] = "128" }),
        ];

        var model = CampaignReportBuilder.Build(campaign, experiments, [], SampleCampaign.End);

        Assert.Equal(0.92, model.BestObjective);
        Assert.Equal(0.15, model.RelativeImprovement!.Value, 10);
        Assert.Equal([0.80, 0.92], model.BestSoFar.Select(p => p.Value));
    }

    [Theory]
    [InlineData(0.5, 0.4, Direction.Minimize, 0.2)]
    [InlineData(0.5, 0.6, Direction.Minimize, -0.2)]
    [InlineData(0.8, 0.92, Direction.Maximize, 0.15)]
    [InlineData(0.8, 0.6, Direction.Maximize, -0.25)]
    [InlineData(-2.0, -3.0, Direction.Minimize, 0.5)]
    [InlineData(-2.0, -1.0, Direction.Maximize, 0.5)]
    public void Relative_improvement_is_positive_when_better(double baseline, double best, Direction direction, double expected) =>
        Assert.Equal(expected, CampaignReportBuilder.RelativeImprovement(baseline, best, direction)!.Value, 10);

    [Fact]
    public void Relative_improvement_is_undefined_for_a_zero_baseline() =>
        Assert.Null(CampaignReportBuilder.RelativeImprovement(0, 1, Direction.Maximize));

    [Fact]
    public void Failed_baseline_leaves_no_comparison_and_says_so()
    {
        var experiments = SampleCampaign.Experiments();
        experiments[0] = experiments[0] with { Status = ExperimentStatus.Failed, Failure = FailureKind.Crash, Objective = null, Reason = "boom" };

        var model = CampaignReportBuilder.Build(SampleCampaign.Campaign(), experiments, [], SampleCampaign.End);

        Assert.Null(model.Baseline);
        Assert.Null(model.RelativeImprovement);
        Assert.Equal(0.40, model.BestObjective);
        Assert.Contains(model.Notes, n => n.Contains("baseline", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public void Running_campaign_counts_pending_experiments_and_notes_them()
    {
        var experiments = SampleCampaign.Experiments();
        experiments.Add(SampleCampaign.Experiment(SampleCampaign.Id, 17, "explorer-1", "gp", null, 35, 35) with { Status = ExperimentStatus.Running, EndedAt = null });
        experiments.Add(SampleCampaign.Experiment(SampleCampaign.Id, 18, "explorer-1", "gp", null, 36, 36) with { Status = ExperimentStatus.Queued, StartedAt = null, EndedAt = null });

        var model = CampaignReportBuilder.Build(SampleCampaign.Campaign() with { State = CampaignState.Running, EndedAt = null }, experiments, [], SampleCampaign.End);

        Assert.Equal((18, 10, 6, 2), (model.Total, model.Succeeded, model.Failed, model.Pending));
        Assert.Contains(model.Notes, n => n.StartsWith("2 experiment(s) were still queued or running", StringComparison.Ordinal));
        Assert.Equal(0.40, model.BestObjective);
    }

    [Fact]
    public async Task Unknown_campaign_throws()
    {
        var builder = new CampaignReportBuilder(new InMemoryLedger(), new InMemoryJournal());
        await Assert.ThrowsAsync<KeyNotFoundException>(() => builder.BuildAsync("nope"));
    }
}
