using AutoResearch.Abstractions.Experiments;
using AutoResearch.Abstractions.Grains;
using AutoResearch.Abstractions.Ports;
using AutoResearch.Abstractions.Specs;
using AutoResearch.Evaluation;
using AutoResearch.Host.Hosting;
using AutoResearch.Models;
using AutoResearch.Reports;
using AutoResearch.Testing.OpenAi;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Orleans.TestingHost;
using Xunit.Abstractions;

namespace AutoResearch.Grains.Tests;

/// <summary>
/// One campaign run by the real grains (scripted sandbox, scripted OpenAI-wire endpoints): its baseline repeated three times,
/// a model agent whose first endpoint goes away (failover), a pause, a campaign and an agent budget change, a resume. While
/// it is paused and once it has ended, every view — the live status as the console and the run command read it, the status
/// read from the ledger (<c>status --json</c>), both JSON summaries and the report — tells the same facts.
/// </summary>
public sealed class CampaignFactsLiveConsistencyTests(ITestOutputHelper output) : IAsyncLifetime
{
    private readonly string _data = Path.Combine(Path.GetTempPath(), "ar-facts-" + Guid.NewGuid().ToString("N")[..8]);
    private readonly ScriptedSandboxRunner _sandbox = new() { Delay = TimeSpan.FromMilliseconds(300) };
    private ScriptedOpenAiServer _first = null!;
    private ScriptedOpenAiServer _second = null!;
    private InProcessTestCluster _cluster = null!;
    private int _firstCalls;
    private int _secondCalls;

    private IGrainFactory Grains => _cluster.Client;
    private IServiceProvider Silo => _cluster.Silos[0].ServiceProvider;

    private static string Proposal(int n) =>
        $$$"""{"hypothesis": "Move x1 to {{{1 + 0.4 * n}}}", "rationale": "Branin has a minimum near x1=3.1", "expected_effect": "lower value", "parameters": {"x1": {{{1 + 0.4 * n}}}, "x2": 2.3}}""";

    public async Task InitializeAsync()
    {
        _first = await ScriptedOpenAiServer.StartAsync();
        // The first endpoint answers twice, then is gone for the rest of the night.
        _first.Responder = _ => Interlocked.Increment(ref _firstCalls) is var n && n <= 2
            ? ScriptedReply.Text(Proposal(n), promptTokens: 300, completionTokens: 40)
            : ScriptedReply.Status(503, "The model is switched off");
        _second = await ScriptedOpenAiServer.StartAsync();
        _second.Responder = _ => ScriptedReply.Text(Proposal(2 + Interlocked.Increment(ref _secondCalls)), promptTokens: 300, completionTokens: 40);
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["AutoResearch:Models:MaxRetries"] = "0",
            ["AutoResearch:Models:RetryBaseDelay"] = "00:00:00.010",
            ["AutoResearch:Models:MaxRetryDelay"] = "00:00:00.020",
            ["AutoResearch:Models:Endpoints:first:BaseUrl"] = _first.BaseUrl,
            ["AutoResearch:Models:Endpoints:first:Model"] = "model-a",
            ["AutoResearch:Models:Endpoints:second:BaseUrl"] = _second.BaseUrl,
            ["AutoResearch:Models:Endpoints:second:Model"] = "model-b",
        }).Build();
        _cluster = await ClusterFixture.StartAsync(_data, slots: 2, gpuDeviceIds: [], services =>
        {
            services.AddSingleton<ISandboxRunner>(_sandbox);
            services.AddSingleton<IDiskSpaceGuard>(new ScriptedDiskSpaceGuard());
            services.AddModelAgents(configuration);
        });
    }

    public async Task DisposeAsync()
    {
        await _cluster.DisposeAsync();
        await _first.DisposeAsync();
        await _second.DisposeAsync();
        try { Directory.Delete(_data, recursive: true); } catch (IOException) { }
    }

    [Fact]
    public async Task Live_ledger_summaries_and_report_agree_through_a_failover_a_pause_a_budget_change_and_the_end()
    {
        var spec = TestSpecs.Campaign("facts-live", maxExperiments: 14, slots: 2) with
        {
            Budget = new BudgetSpec { Tokens = 1_000_000 },
            Agents =
            [
                new AgentSpec
                {
                    Id = "llm-1", Role = "researcher", Proposer = AgentSpec.ModelProposer, Model = "first", Failover = ["second"], Seed = 11,
                    Settings = new() { ["fallback"] = "random", ["reflect"] = "false", ["repair"] = "false" },
                },
                new AgentSpec { Id = "random-21", Role = "explorer", Proposer = "random", Seed = 21, CpuBudgetSeconds = 3600 },
            ],
        };
        Assert.Equal(3, spec.Noise.BaselineRuns);
        var id = TestSpecs.UniqueId("facts");
        var campaign = Grains.GetGrain<ICampaignGrain>(id);
        var ledger = Silo.GetRequiredService<ILedger>();
        await campaign.Start(spec);

        // Pause once the model agent has failed over (its second endpoint answered a proposal).
        await UntilAsync("the model agent's failover", async () => (await ledger.GetModelCallsAsync(id)).Any(c => c.Provider == "second" && c.OutcomeKind == ModelCallOutcome.Ok), 90);
        await campaign.Control(new ControlRequest { CampaignId = id, Action = ControlAction.Pause, RequestedBy = "tests", RequestedAt = DateTimeOffset.UtcNow });
        await campaign.Control(new ControlRequest
        {
            CampaignId = id, Action = ControlAction.SetBudget, Budget = new BudgetChange { Tokens = 2_000_000 }, RequestedBy = "tests", RequestedAt = DateTimeOffset.UtcNow,
        });
        await campaign.Control(new ControlRequest
        {
            CampaignId = id, AgentId = "random-21", Action = ControlAction.SetBudget, Budget = new BudgetChange { CpuSeconds = 7200 }, RequestedBy = "tests",
            RequestedAt = DateTimeOffset.UtcNow,
        });
        // Running experiments finish while paused; then nothing changes until the resume.
        await UntilAsync("the paused campaign's running experiments to finish and be counted", async () =>
        {
            var rows = await ledger.GetExperimentsAsync(id);
            var status = await campaign.GetStatus();
            return rows.All(e => e.Status != ExperimentStatus.Running) && status.Finished == rows.Count(e => e.IsFinished && !e.IsHoldout && !e.IsRejectedProposal());
        }, 60);

        // The agents settle their own status a moment after their last run is counted: wait (bounded, named) until the
        // views agree, then assert on them (a disagreement that does not settle fails there, naming the fact).
        await UntilAgreeAsync("the paused campaign's views", id, spec, activities: true);
        var paused = await ViewsAsync(id, spec);
        Assert.Equal(CampaignState.Paused, paused.Ledger.State);
        Assert.All(paused.Ledger.Agents, a => Assert.Equal(AgentState.Paused, a.State));
        Assert.Equal(2_000_000, paused.Ledger.Budget.Tokens);
        Assert.Equal(7200, paused.Ledger.Agents.Single(a => a.Id == "random-21").CpuBudgetSeconds);
        Assert.Equal("second (model-b)", paused.Ledger.Agents.Single(a => a.Id == "llm-1").Model);
        Assert.True(paused.Ledger.BaselineRuns == 3, $"baseline runs {paused.Ledger.BaselineRuns}");
        paused.AssertAgree(output, activities: true);

        await campaign.Control(new ControlRequest { CampaignId = id, Action = ControlAction.Resume, RequestedBy = "tests", RequestedAt = DateTimeOffset.UtcNow });
        var end = await Waits.ForEndAsync(Grains, id, seconds: 120);
        Assert.Equal(CampaignState.Completed, end.State);
        await UntilAgreeAsync("the ended campaign's views", id, spec, activities: false);
        var ended = await ViewsAsync(id, spec);
        Assert.Equal((0, 0), (ended.Ledger.Running, ended.Ledger.Queued));
        ended.AssertAgree(output, activities: false);
    }

    private async Task<Views> ViewsAsync(string id, CampaignSpec spec)
    {
        var ledger = Silo.GetRequiredService<ILedger>();
        var raw = await Grains.GetGrain<ICampaignGrain>(id).GetStatus();
        var record = (await ledger.GetCampaignAsync(id))!;
        var experiments = await ledger.GetExperimentsAsync(id);
        var leaderboard = await ledger.GetLeaderboardAsync(id);
        var calls = await ledger.GetModelCallsAsync(id);
        var controls = await ledger.GetControlsAsync(id);
        var facts = CampaignFacts.Build(id, spec, raw.State, experiments, leaderboard, calls, controls, raw.Slots);
        // What the console shows for a campaign it hosts, and what the run command's summary starts from.
        var live = raw.WithFacts(facts, live: true);
        // status --json: the status rebuilt from the ledger and its summary.
        var fromLedger = LedgerCampaignStatus.From(record, experiments, raw.Slots, facts);
        var statusSummary = CampaignSummaryBuilder.Build(fromLedger, experiments, null, raw.Slots, leaderboard: leaderboard, modelCalls: calls, facts: facts);
        // The run command's end summary from the grain's own status.
        var runSummary = await CampaignSummaryBuilder.BuildAsync(ledger, raw, null, raw.Slots);
        var report = await new CampaignReportBuilder(ledger, Silo.GetRequiredService<IJournal>()).BuildAsync(id);
        var story = string.Join("\n", experiments.OrderBy(e => e.Sequence).Select(e => $"#{e.Sequence} {e.AgentId} {e.Kind} {e.ProposerName} {e.Status} {e.Objective} {e.Verdict}"));
        return new Views(raw, facts, live, fromLedger, statusSummary, runSummary, report, story);
    }

    private async Task UntilAgreeAsync(string what, string id, CampaignSpec spec, bool activities)
    {
        try
        {
            await UntilAsync(what + " to agree", async () =>
            {
                try
                {
                    (await ViewsAsync(id, spec)).AssertAgree(Silent.Instance, activities);
                    return true;
                }
                catch (Xunit.Sdk.XunitException)
                {
                    return false;
                }
            }, 30);
        }
        catch (TimeoutException)
        {
            // Fall through: the assertion that follows names what still disagrees.
        }
    }

    private sealed class Silent : ITestOutputHelper
    {
        public static readonly Silent Instance = new();

        public void WriteLine(string message)
        {
        }

        public void WriteLine(string format, params object[] args)
        {
        }
    }

    private static Task UntilAsync(string what, Func<Task<bool>> condition, int seconds) => Waits.UntilAsync(condition, seconds, what);

    private sealed record Views(
        CampaignStatus Raw, CampaignFacts Facts, CampaignStatus Live, CampaignStatus Ledger, CampaignSummary StatusSummary, CampaignSummary RunSummary,
        CampaignReportModel Report, string Story)
    {
        /// <param name="activities">Compare the agents' activity lines too (not once ended: only a live agent knows why it stopped).</param>
        public void AssertAgree(ITestOutputHelper output, bool activities)
        {
            output.WriteLine(Story);
            Assert.True(Facts.Best is not null, Story);
            // The grain's own leaderboard and the facts from the ledger: best (mean, runs, confidence) and baseline (mean, runs).
            Same("best", Facts.Best!.Value, Raw.Best, Live.Best, Ledger.Best, StatusSummary.Best, RunSummary.Best, Report.BestMean ?? Report.Best?.Objective);
            Same("best runs", Facts.Best.Runs, Raw.BestRuns, Live.BestRuns, Ledger.BestRuns, StatusSummary.BestRuns, RunSummary.BestRuns, Report.BestRuns);
            Same("best confidence", Facts.Best.Confidence, Raw.BestConfidence, Live.BestConfidence, Ledger.BestConfidence, StatusSummary.BestConfidence, RunSummary.BestConfidence,
                Report.AcceptedBest?.Confidence);
            Same("baseline", Facts.Baseline!.Mean, Raw.Baseline, Live.Baseline, Ledger.Baseline, StatusSummary.Baseline, RunSummary.Baseline, Report.BaselineMean);
            Same("baseline runs", Facts.Baseline.Runs, Raw.BaselineRuns, Live.BaselineRuns, Ledger.BaselineRuns, StatusSummary.BaselineRuns, RunSummary.BaselineRuns, Report.BaselineRuns);
            Same("identical repeats", Facts.Noise.IdenticalRepeats, Raw.Noise.IdenticalRepeats, Ledger.Noise.IdenticalRepeats, StatusSummary.NoiseIdenticalRepeats,
                RunSummary.NoiseIdenticalRepeats, Report.Noise.IdenticalRepeats);
            // Budgets in force and running counts.
            Same("campaign token budget", Facts.Budget.Tokens, Raw.Budget.Tokens, Live.Budget.Tokens, Ledger.Budget.Tokens, StatusSummary.TokenBudget, RunSummary.TokenBudget,
                Report.CampaignBudget.Tokens);
            Same("running", Facts.Running, Live.Running, Ledger.Running);
            Same("queued", Facts.Queued, Live.Queued, Ledger.Queued);
            Assert.True(Facts.Running <= Facts.Slots, $"{Facts.Running} running on {Facts.Slots} slots");
            foreach (var agent in Facts.Agents)
            {
                var live = Live.Agents.Single(a => a.Id == agent.Id);
                var ledger = Ledger.Agents.Single(a => a.Id == agent.Id);
                var status = StatusSummary.Agents.Single(a => a.Id == agent.Id);
                var run = RunSummary.Agents.Single(a => a.Id == agent.Id);
                var report = Report.Agents.Single(a => a.Id == agent.Id);
                Same($"{agent.Id} state", live.State.ToString().ToLowerInvariant(), ledger.State.ToString().ToLowerInvariant(), status.State, run.State);
                if (activities) Same($"{agent.Id} activity", live.Activity, ledger.Activity, status.Activity, run.Activity);
                else Same($"{agent.Id} activity", ledger.Activity, status.Activity);
                Same($"{agent.Id} in flight", agent.InFlight, live.InFlight, ledger.InFlight);
                Same($"{agent.Id} experiments", agent.Experiments, live.Experiments, ledger.Experiments, status.Experiments, run.Experiments, report.Experiments);
                Same($"{agent.Id} model", agent.Model, live.Model, ledger.Model, status.Model, run.Model, report.Model);
                Same($"{agent.Id} model problem", agent.ModelProblem, live.ModelProblem, ledger.ModelProblem, status.ModelProblem, run.ModelProblem);
                Same($"{agent.Id} failover", agent.Failover, report.Failover);
                Same($"{agent.Id} new bests", agent.NewBests, status.NewBests, run.NewBests, report.NewBests);
                Same($"{agent.Id} CPU budget", agent.Budget.CpuSeconds, live.CpuBudgetSeconds, ledger.CpuBudgetSeconds, status.CpuBudgetSeconds, run.CpuBudgetSeconds,
                    report.CpuBudgetSeconds);
                Same($"{agent.Id} token budget", agent.Budget.Tokens, live.TokenBudget, ledger.TokenBudget, status.TokenBudget, run.TokenBudget, report.TokenBudget);
            }
        }

        private void Same<T>(string what, T expected, params T[] views)
        {
            for (var i = 0; i < views.Length; i++)
                Assert.True(EqualityComparer<T>.Default.Equals(expected, views[i]) || Close(expected, views[i]),
                    $"{what}: view {i} says {views[i]}, the facts say {expected}\n{Story}");
        }

        private static bool Close<T>(T a, T b) =>
            a is double x && b is double y && Math.Abs(x - y) <= 1e-9 * Math.Max(1, Math.Abs(x));
    }
}
