using AutoResearch.Abstractions.Experiments;
using AutoResearch.Abstractions.Grains;
using AutoResearch.Abstractions.Journal;
using AutoResearch.Abstractions.Ports;
using AutoResearch.Abstractions.Specs;
using AutoResearch.Host.Hosting;
using AutoResearch.Models;
using AutoResearch.Testing.OpenAi;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Orleans.TestingHost;
using Xunit.Abstractions;

namespace AutoResearch.Grains.Tests;

/// <summary>
/// Model agents in a real silo, reaching the scripted OpenAI-wire servers through the Semantic Kernel gateway: a model whose
/// answers are garbage costs no experiments of the other agents, backs off to its fallback optimizer and says so; a failover to
/// the second endpoint is journaled and shown the same by the live status and the ledger's status.
/// </summary>
public sealed class ModelAgentRejectionTests(ITestOutputHelper output) : IAsyncLifetime
{
    private readonly string _data = Path.Combine(Path.GetTempPath(), "ar-reject-" + Guid.NewGuid().ToString("N")[..8]);
    private readonly ScriptedSandboxRunner _sandbox = new() { Delay = TimeSpan.FromMilliseconds(600) };
    private ScriptedOpenAiServer _garbage = null!;
    private ScriptedOpenAiServer _first = null!;
    private ScriptedOpenAiServer _second = null!;
    private InProcessTestCluster _cluster = null!;
    private int _firstCalls;

    private IGrainFactory Grains => _cluster.Client;
    private IServiceProvider Silo => _cluster.Silos[0].ServiceProvider;

    private int _secondCalls;

    private static string Proposal(int n) =>
        $$$"""{"hypothesis": "Move x1 to {{{1 + 0.5 * n}}}", "rationale": "Branin has a minimum near x1=3.1", "expected_effect": "lower value", "parameters": {"x1": {{{1 + 0.5 * n}}}, "x2": 2.3}}""";

    public async Task InitializeAsync()
    {
        _garbage = await ScriptedOpenAiServer.StartAsync();
        _garbage.Responder = _ => ScriptedReply.Text("I would rather write a poem about the sea than answer in JSON.", promptTokens: 300, completionTokens: 20);
        _first = await ScriptedOpenAiServer.StartAsync();
        // The first endpoint answers twice, then is gone for the rest of the night.
        _first.Responder = _ => Interlocked.Increment(ref _firstCalls) is var n && n <= 2
            ? ScriptedReply.Text(Proposal(n), promptTokens: 300, completionTokens: 40)
            : ScriptedReply.Status(503, "The model is switched off");
        _second = await ScriptedOpenAiServer.StartAsync();
        // The second endpoint first answers in its own words (that proposal is rejected), then usable proposals.
        _second.Responder = _ => Interlocked.Increment(ref _secondCalls) is var n && n == 1
            ? ScriptedReply.Text("Sure! x1 should be bigger.", promptTokens: 300, completionTokens: 10)
            : ScriptedReply.Text(Proposal(2 + n), promptTokens: 300, completionTokens: 40);
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["AutoResearch:Models:MaxRetries"] = "0",
            ["AutoResearch:Models:RetryBaseDelay"] = "00:00:00.010",
            ["AutoResearch:Models:MaxRetryDelay"] = "00:00:00.020",
            ["AutoResearch:Models:Endpoints:garbage:BaseUrl"] = _garbage.BaseUrl,
            ["AutoResearch:Models:Endpoints:garbage:Model"] = "garbage-7b",
            ["AutoResearch:Models:Endpoints:first:BaseUrl"] = _first.BaseUrl,
            ["AutoResearch:Models:Endpoints:first:Model"] = "model-a",
            ["AutoResearch:Models:Endpoints:second:BaseUrl"] = _second.BaseUrl,
            ["AutoResearch:Models:Endpoints:second:Model"] = "model-b",
        }).Build();
        _cluster = await ClusterFixture.StartAsync(_data, slots: 3, gpuDeviceIds: [], services =>
        {
            services.AddSingleton<ISandboxRunner>(_sandbox);
            services.AddSingleton<IDiskSpaceGuard>(new ScriptedDiskSpaceGuard());
            services.AddModelAgents(configuration);
        });
    }

    public async Task DisposeAsync()
    {
        await _cluster.DisposeAsync();
        await _garbage.DisposeAsync();
        await _first.DisposeAsync();
        await _second.DisposeAsync();
        try { Directory.Delete(_data, recursive: true); } catch (IOException) { }
    }

    private static AgentSpec ModelAgent(string id, string model, params string[] failover) => new()
    {
        Id = id,
        Role = "researcher",
        Proposer = AgentSpec.ModelProposer,
        Model = model,
        Failover = [.. failover],
        Seed = 11,
        CpuBudgetSeconds = 0,
        Settings = new() { ["fallback"] = "random", ["reflect"] = "false" },
    };

    private static AgentSpec BuiltIn(string proposer, int seed) =>
        new() { Id = $"{proposer}-{seed}", Role = "explorer", Proposer = proposer, Seed = seed, CpuBudgetSeconds = 0 };

    [Fact]
    public async Task A_garbage_model_agent_costs_the_built_in_agents_no_experiments_and_the_journal_tells_its_back_off()
    {
        const int max = 24;
        var spec = TestSpecs.Campaign("garbage-model", maxExperiments: max, slots: 3) with
        {
            Agents = [ModelAgent("llm-1", "garbage") with { Settings = new() { ["fallback"] = "random", ["reflect"] = "false", ["backoff_after"] = "2" } }, BuiltIn("random", 21), BuiltIn("random", 22)],
        };
        var id = TestSpecs.UniqueId("garbage");
        await Grains.GetGrain<ICampaignGrain>(id).Start(spec);
        var status = await Waits.ForEndAsync(Grains, id, seconds: 120);

        var ledger = Silo.GetRequiredService<ILedger>();
        var experiments = await ledger.GetExperimentsAsync(id);
        var journal = await Silo.GetRequiredService<IJournal>().ReadAsync(id);
        var rejected = experiments.Where(e => e.IsRejectedProposal()).ToList();
        var ran = experiments.Where(e => !e.IsRejectedProposal() && !e.IsHoldout).ToList();
        var story = $"{status.State} {status.Reason}\n" + string.Join("\n", experiments.OrderBy(e => e.Sequence).Select(e => $"#{e.Sequence} {e.AgentId} {e.ProposerName} {e.Status} {e.Failure} {e.Reason}"))
            + "\n" + string.Join("\n", journal.Where(j => j.Author == "llm-1").Select(j => $"[{j.Kind}] {j.Text}"));

        output.WriteLine(string.Join("\n", new[] { "random-21", "random-22", "llm-1" }.Select(a =>
            $"{a}: {ran.Count(e => e.AgentId == a)} experiments ({ran.Count(e => e.AgentId == a && e.Kind == ExperimentKind.Proposal)} proposals), {rejected.Count(e => e.AgentId == a)} rejected")));
        output.WriteLine(story);
        Assert.True(status.State == CampaignState.Completed, story);
        // Rejected proposals are recorded (their tokens are spent) but the night still ran every one of its experiments.
        Assert.True(rejected.Count >= 3, story);
        Assert.All(rejected, r => Assert.Equal("llm-1", r.AgentId));
        Assert.Equal(max, ran.Count);
        Assert.Equal(max, status.Launched);
        Assert.Equal(max, status.Finished);
        // Each built-in agent gets at least its fair share of the proposals run (the baseline and its noise repeats go to
        // whichever agent asks first); before rejections were given back, a garbage model left the built-ins 0-1 of them.
        var proposals = ran.Where(e => e.Kind == ExperimentKind.Proposal).ToList();
        foreach (var builtIn in new[] { "random-21", "random-22" })
            Assert.True(proposals.Count(e => e.AgentId == builtIn) >= proposals.Count / 3, $"{builtIn}: {proposals.Count(e => e.AgentId == builtIn)} of {proposals.Count} proposals\n{story}");
        // The model agent's own experiments are the fallback's back-off turns.
        Assert.All(ran.Where(e => e.AgentId == "llm-1" && e.Kind == ExperimentKind.Proposal), e => Assert.Equal("random (back-off)", e.ProposerName));

        // The journal tells the story: three rejections, the back-off, the model asked again with the reasons in its prompt.
        var backOff = journal.FirstOrDefault(j => j.Author == "llm-1" && j.Text.StartsWith("2 consecutive rejections (last: model answer rejected", StringComparison.Ordinal));
        Assert.True(backOff is not null, story);
        Assert.Contains("the next 2 turns go to the built-in random optimizer; the model is asked again after that", backOff!.Text);
        var again = journal.FirstOrDefault(j => j.Author == "llm-1" && j.Text.StartsWith("Back-off over after 2 rejected answer(s) in a row: asking the model again", StringComparison.Ordinal));
        Assert.True(again is not null, story);
        Assert.True(again!.At > backOff.At, story);
        Assert.Single(journal, j => j.Author == "llm-1" && j.Text.StartsWith("Back-off over after 2 rejected", StringComparison.Ordinal));
        // A rejection of that retry starts a back-off twice as long (when the campaign still has turns for it; the policy's own tests pin it).
        var fifth = rejected.OrderBy(e => e.Sequence).Skip(3).FirstOrDefault();
        if (fifth is not null && ran.Any(e => e.AgentId == "llm-1" && e.Sequence > fifth.Sequence))
            Assert.Contains(journal, j => j.Author == "llm-1" && j.Text.StartsWith("1 consecutive rejections (last: ", StringComparison.Ordinal) && j.Text.Contains("the next 4 turns", StringComparison.Ordinal));
        Assert.Single(journal, j => j.Author == "llm-1" && j.Text.StartsWith("2 consecutive rejections", StringComparison.Ordinal));
        var retried = _garbage.Requests.Where(r => (r.LastUserMessage ?? "").Contains("why your latest proposals were rejected", StringComparison.Ordinal)).ToList();
        Assert.True(retried.Count > 0, story);
        Assert.Contains("model answer rejected", retried[0].LastUserMessage);

        // Status (live and rebuilt from the ledger) counts the rejections apart from the experiments.
        var agent = status.Agents.Single(a => a.Id == "llm-1");
        Assert.Equal((rejected.Count, 2 * 8), (agent.Rejections, agent.MaxRejections)); // twice its fair share of 24
        Assert.Equal(ran.Count(e => e.AgentId == "llm-1"), agent.Experiments);
        var campaign = (await ledger.ListCampaignsAsync()).Single(c => c.Id == id);
        var fromLedger = LedgerCampaignStatus.From(campaign, experiments, 3, await ledger.GetLeaderboardAsync(id), await ledger.GetModelCallsAsync(id));
        Assert.Equal((max, max), (fromLedger.Launched, fromLedger.Finished));
        Assert.Equal(rejected.Count, fromLedger.Agents.Single(a => a.Id == "llm-1").Rejections);
        Assert.Equal(agent.Experiments, fromLedger.Agents.Single(a => a.Id == "llm-1").Experiments);
    }

    [Fact]
    public async Task A_failover_is_journaled_even_when_the_answer_is_rejected_and_live_and_ledger_status_show_the_same_model()
    {
        var spec = TestSpecs.Campaign("failover", maxExperiments: 6, slots: 1) with
        {
            Agents = [ModelAgent("llm-1", "first", "second") with { Settings = new() { ["fallback"] = "random", ["reflect"] = "false", ["repair"] = "false" } }],
        };
        var id = TestSpecs.UniqueId("failover");
        await Grains.GetGrain<ICampaignGrain>(id).Start(spec);
        var status = await Waits.ForEndAsync(Grains, id, seconds: 120);

        var ledger = Silo.GetRequiredService<ILedger>();
        var experiments = await ledger.GetExperimentsAsync(id);
        var journal = await Silo.GetRequiredService<IJournal>().ReadAsync(id);
        var story = string.Join("\n", experiments.OrderBy(e => e.Sequence).Select(e => $"#{e.Sequence} {e.ProposerName} {e.Status} {e.Failure} {e.Reason}"))
            + "\n" + string.Join("\n", journal.Select(j => $"{j.Author} [{j.Kind}] {j.Text}"));

        // The first proposal answered by the second endpoint was rejected, and still the failover is in the journal.
        var failover = journal.FirstOrDefault(j => j.Author == "llm-1" && j.Text.StartsWith("Failing over to model second: first: ", StringComparison.Ordinal));
        Assert.True(failover is not null, story);
        var firstAfter = experiments.Where(e => e.Kind == ExperimentKind.Proposal).OrderBy(e => e.Sequence).First(e => e.Sequence > 0 && e.Id == failover!.ExperimentId);
        Assert.True(firstAfter.IsRejectedProposal(), story);
        Assert.Contains("model second", firstAfter.Reason);

        // Live status and the ledger's status show the same answering model and the same failover.
        var live = status.Agents.Single();
        var campaign = (await ledger.ListCampaignsAsync()).Single(c => c.Id == id);
        var fromLedger = LedgerCampaignStatus.From(campaign, experiments, 1, await ledger.GetLeaderboardAsync(id), await ledger.GetModelCallsAsync(id)).Agents.Single();
        Assert.Equal("second (model-b)", live.Model);
        Assert.Equal(live.Model, fromLedger.Model);
        Assert.StartsWith("first: ", live.ModelProblem);
        Assert.EndsWith("; second answers", live.ModelProblem);
        Assert.StartsWith("first: ", fromLedger.ModelProblem);
        Assert.EndsWith("; second answers", fromLedger.ModelProblem);
        Assert.Equal(live.Rejections, fromLedger.Rejections);
    }
}
