using AutoResearch.Abstractions.Experiments;
using AutoResearch.Abstractions.Reports;
using Microsoft.Extensions.Options;

namespace AutoResearch.Reports.Tests;

/// <summary>
/// Each section of the morning report, built from <see cref="SampleCampaign"/> in a real SQLite ledger, against numbers worked
/// out by hand from the seeded experiments (see the comments), not from the report code.
/// </summary>
public sealed class MorningReportSectionsTests : IAsyncLifetime
{
    private SqliteSampleLedger _db = null!;
    private CampaignReportModel _model = null!;

    public async Task InitializeAsync()
    {
        _db = await SqliteSampleLedger.SeedAsync();
        _model = await new CampaignReportBuilder(_db.Ledger, _db.Journal).BuildAsync(SampleCampaign.Id);
    }

    public async Task DisposeAsync() => await _db.DisposeAsync();

    private AgentReportRow Agent(string id) => Assert.Single(_model.Agents, a => a.Id == id);

    [Fact]
    public void Headline_baseline_best_and_improvement_match_the_ledger()
    {
        // Baseline #1 = 0.50, best #12 = 0.40 (minimize): (0.50 - 0.40) / 0.50 = 20 %.
        Assert.Equal(0.50, _model.BaselineObjective);
        Assert.Equal(0.40, _model.BestObjective);
        Assert.Equal(0.20, _model.RelativeImprovement!.Value, 9);
        Assert.Equal((16, 10, 6), (_model.Total, _model.Succeeded, _model.Failed));
    }

    [Fact]
    public void Agent_sections_count_what_each_agent_tried_and_used_against_its_changed_budget()
    {
        var explorer = Agent("explorer-1");
        // explorer-1 ran the baseline (#1) and proposals #2 #5 #8 #11 #14: 5 + 5 + 5 + 6 + 6 + 6 minutes = 1980 CPU-s.
        Assert.Equal(5, explorer.Narrative.Proposals);
        Assert.Equal(1980, explorer.CpuSeconds, 6);
        Assert.Equal(5000, explorer.CpuBudgetSeconds);
        Assert.True(explorer.BudgetChanged);
        // Its lr values 0.02, 0.01, 0.02, 0.03, 0.015 and hidden 64, 128, 128, 64, 192.
        Assert.Contains("lr: 0.01 – 0.03 of [0.0001, 1] (4 values)", explorer.Narrative.Explored);
        Assert.Contains("hidden: 64 – 192 of [16, 512] (3 values)", explorer.Narrative.Explored);
        Assert.Equal("1 hypothesis, 3 reflections, 1 insight", explorer.Narrative.JournalCounts);
        Assert.Equal(["Learning rate **0.02** helps; hidden size matters more.", "Width beyond 256 runs out of memory.", "Plateau near 0.41; try `lr` around 0.015."],
            explorer.Narrative.LatestReflections.Select(e => e.Text));

        var scout = Agent("scout-1");
        // scout-1's two model calls: 1200 + 300 and 900 + 100 tokens; GPU 200 s on #7; CPU 10 + 4 + 1 + 3 + 0 minutes = 1080 s.
        Assert.Equal(2500, scout.Tokens);
        Assert.Equal(200_000, scout.TokenBudget);
        Assert.Equal(200, scout.GpuSeconds, 6);
        Assert.Equal(1080, scout.CpuSeconds, 6);
        Assert.False(scout.BudgetChanged);
        Assert.Equal(1, scout.Narrative.WithEdits);
        Assert.Equal("no accepted best; its best single run 0.47", ReportNarrative.AgentBest(scout));
    }

    [Fact]
    public void Budget_burn_ends_at_each_agents_totals_and_only_applied_changes_count()
    {
        foreach (var agent in _model.Agents)
        {
            var last = agent.Narrative.Burn[^1];
            Assert.Equal(agent.CpuSeconds, last.CpuSeconds, 6);
            Assert.Equal(agent.GpuSeconds, last.GpuSeconds, 6);
            Assert.Equal(agent.Tokens, last.Tokens);
            Assert.Equal(0, agent.Narrative.Burn[0].CpuSeconds);
            Assert.True(agent.Narrative.Burn.Zip(agent.Narrative.Burn.Skip(1)).All(p => p.First.ElapsedMinutes <= p.Second.ElapsedMinutes));
        }

        // scout-1's tokens arrive with its calls at minutes 6 and 16.
        Assert.Contains(Agent("scout-1").Narrative.Burn, p => p.ElapsedMinutes == 6 && p.Tokens == 1500);
        Assert.Equal(500_000, _model.CampaignBudget.Tokens);
        Assert.Equal(2, _model.BudgetChanges.Count);
        Assert.Contains("explorer-1's budget", _model.BudgetChanges[0]);
        Assert.Contains("by ana: worth more", _model.BudgetChanges[1]);
    }

    [Fact]
    public void Failures_are_grouped_by_cause_with_an_example_each()
    {
        // #6 and #10 crashed; #4 timed out; #9 ran out of memory; #13 printed no metric; #16 was rejected.
        Assert.Equal(
            [(FailureKind.Crash, 2), (FailureKind.Timeout, 1), (FailureKind.OutOfMemory, 1), (FailureKind.NoMetric, 1), (FailureKind.Rejected, 1)],
            _model.FailuresByKind.Select(g => (g.Kind, g.Count)));
        var crash = _model.FailuresByKind[0];
        Assert.EndsWith("/0006", crash.ExampleExperimentId);
        Assert.Equal("Exit code 1: ValueError: loss is NaN", crash.ExampleReason);
    }

    [Fact]
    public void Top_experiments_are_the_best_means_with_what_they_changed()
    {
        // Successes by objective: #12 0.40, #14 0.41, #15 0.43, #8 0.44, #5 0.45.
        Assert.Equal([12, 14, 15, 8, 5], _model.TopExperiments.Select(t => t.Row.Sequence));
        var top = _model.TopExperiments[0];
        Assert.Equal(0.40, top.Mean);
        Assert.Equal("hidden=256 (default 64), lr=0.015 (default 0.01)", ReportNarrative.ChangedParameters(top));
        Assert.Null(top.Diff);
    }

    [Fact]
    public void Reproduce_names_the_image_the_parameters_and_the_command()
    {
        var rep = _model.Reproduce!;
        Assert.EndsWith("/0012", rep.ExperimentId);
        Assert.Equal("sha256:0123456789abcdef", rep.ImageId);
        Assert.Contains("\"lr\": 0.015", rep.ParametersJson);
        Assert.Contains("\"hidden\": 256", rep.ParametersJson);
        Assert.Equal(1012, rep.Seed);
        Assert.Contains("sha256:0123456789abcdef", rep.CommandLine);
    }

    [Fact]
    public void Rule_based_suggestions_name_unexplored_regions_untried_choices_and_idle_agents()
    {
        var rules = _model.Advice.Rules.Select(r => r.Text).ToList();
        // Finished proposals used lr 0.005 – 0.03 only: the log fifths [1e-4, 6.3e-4], [6.3e-4, 4e-3] and [0.158, 1] are empty.
        Assert.Contains("Explore lr in [0.0001, 0.000631], [0.000631, 0.003981], [0.1585, 1].", rules);
        // hidden (an integer in [16, 512]) 64 – 256: the integer fifths from 314 up are empty.
        Assert.Contains("Explore hidden in [314, 412], [413, 512].", rules);
        // tanh only appears in the failed #10.
        Assert.Contains("Try activation = tanh.", rules);
        // scout-1 ran 5 proposals and none improved the best; the improvers were explorer-1 and exploiter-1.
        Assert.Contains("Change scout-1's role or settings or give its budget to explorer-1, exploiter-1.", rules);
        Assert.All(_model.Advice.Rules, r => Assert.False(string.IsNullOrWhiteSpace(r.Evidence)));
        Assert.Empty(_model.Advice.FromModel);
    }

    [Fact]
    public void Edge_parameters_a_reached_target_and_late_improvements_are_suggested()
    {
        var campaign = SampleCampaign.Campaign() with { Spec = SampleCampaign.Spec() with { Target = 0.42 } };
        // A late best at the top of lr's range.
        var experiments = SampleCampaign.Experiments()
            .Append(SampleCampaign.Experiment(SampleCampaign.Id, 17, "explorer-1", "gp", 0.30, 33, 40, new() { ["lr"] = "0.98" }))
            .ToList();
        var model = CampaignReportBuilder.Build(campaign, experiments, [], SampleCampaign.End);
        var rules = model.Advice.Rules.Select(r => r.Text).ToList();
        Assert.Contains("Widen the range of lr above 1.", rules);
        Assert.Contains("Set a more ambitious target than 0.42.", rules);
        Assert.Contains("Run longer, or with more budget: the campaign was still improving when it ended.", rules);
    }

    [Fact]
    public async Task Every_report_is_kept_and_the_latest_is_at_the_stable_path()
    {
        var root = Path.Combine(_db.Directory, "reports");
        var writer = new FileReportWriter(_db.Ledger, _db.Journal, Options.Create(new ReportOptions { OutputDirectory = root }));

        var morning = await writer.WriteAsync(SampleCampaign.Id, ReportTrigger.Scheduled);
        var morningHtml = await File.ReadAllTextAsync(Path.Combine(morning.Snapshot!, FileReportWriter.HtmlFileName));
        var final = await writer.WriteAsync(SampleCampaign.Id, ReportTrigger.Final);

        Assert.NotEqual(morning.Snapshot, final.Snapshot);
        Assert.Equal(morningHtml, await File.ReadAllTextAsync(Path.Combine(morning.Snapshot!, FileReportWriter.HtmlFileName)));
        Assert.Contains("<h1>Morning report: digits-night</h1>", morningHtml);
        Assert.Contains("<h1>Final report: digits-night</h1>", await File.ReadAllTextAsync(final.Html));
        Assert.Equal(await File.ReadAllTextAsync(Path.Combine(final.Snapshot!, FileReportWriter.HtmlFileName)), await File.ReadAllTextAsync(final.Html));

        var listed = await writer.ListAsync(SampleCampaign.Id);
        Assert.Equal([ReportTrigger.Scheduled, ReportTrigger.Final], listed.Select(r => r.Trigger));
        Assert.Equal([morning.Snapshot, final.Snapshot], listed.Select(r => r.Snapshot));
        foreach (var report in listed)
        {
            Assert.True(File.Exists(report.Markdown));
            Assert.True(File.Exists(Path.Combine(report.Snapshot!, ReportCharts.MetricFileName)));
            Assert.True(File.Exists(Path.Combine(report.Snapshot!, ReportCharts.BurnFileName)));
            Assert.True(File.Exists(Path.Combine(report.Snapshot!, ReportCharts.TokenBurnFileName)));
        }
    }

    [Fact]
    public async Task The_html_report_has_every_section()
    {
        var root = Path.Combine(_db.Directory, "reports");
        var files = await new FileReportWriter(_db.Ledger, _db.Journal, Options.Create(new ReportOptions { OutputDirectory = root }))
            .WriteAsync(SampleCampaign.Id, ReportTrigger.Scheduled);
        var html = await File.ReadAllTextAsync(files.Html);
        string[] sections = ["Headline", "Suggestions for the next night", "Top experiments", "Agents", "Model calls", "Failures", "Journal", "Experiments", "Reproduce the best"];
        foreach (var section in sections)
            Assert.Contains($"<h2>{section}</h2>", html);
        // One section per agent, each under its own heading.
        Assert.Equal(SampleCampaign.Spec().Agents.Count, System.Text.RegularExpressions.Regex.Matches(html, "<section class=\"agent\"").Count);
        foreach (var agent in SampleCampaign.Spec().Agents)
            Assert.Contains($"\"><h3>{agent.Id} <span", html);
        Assert.Contains("Budget burn: compute used over time", html);
        Assert.Contains("Budget burn: model tokens used over time", html);
        Assert.Equal(4, System.Text.RegularExpressions.Regex.Matches(html, "src=\"data:image/png;base64,").Count);
    }
}
