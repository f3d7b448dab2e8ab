using AutoResearch.Abstractions.Experiments;
using AutoResearch.Abstractions.Ports;
using AutoResearch.Abstractions.Specs;
using AutoResearch.Harness;
using AutoResearch.Host.Operations;
using Microsoft.Extensions.DependencyInjection;

namespace AutoResearch.Web.Tests;

/// <summary>
/// <see cref="CampaignLaunch"/>, the one place the CLI, the API and the console pages load, check, start, resume and report a
/// campaign: each use case with good and bad input. Start, resume and report run on the console's silo and SQLite ledger;
/// validate gets scripted sandbox ports (the real Docker path is the CLI's <c>validate</c> end-to-end test).
/// </summary>
[Collection(ConsoleCollection.Name)]
public sealed class CampaignLaunchTests(ConsoleFactory console)
{
    private static readonly TimeSpan ControlWait = TimeSpan.FromSeconds(30);

    [Fact]
    public void LoadCampaign_reads_a_good_file_and_names_every_problem_of_a_bad_one_with_its_file_and_field()
    {
        var good = CampaignLaunch.LoadCampaign(BraninCampaignFile);
        Assert.True(good.Ok, string.Join("; ", good.Problems?.Select(p => p.Message) ?? []));
        Assert.Equal("branin", good.Value!.Name);

        var folder = Directory.CreateTempSubdirectory("ar-launch-");
        try
        {
            var file = Path.Combine(folder.FullName, "campaign.yaml");
            File.WriteAllText(file, "name: Bad Name!\nbenchmark: ./no-such-benchmark\nmax_experiments: 0\nagents: []\n");
            var bad = CampaignLaunch.LoadCampaign(file);
            Assert.Equal(OperationFailure.Invalid, bad.Failure);
            Assert.Null(bad.Value);
            Assert.All(bad.Problems!, p => Assert.Equal(OperationField.File, p.Field));
            Assert.Contains(bad.Problems!, p => p.Message.StartsWith(file + ": name:", StringComparison.Ordinal));
            Assert.Contains(bad.Problems!, p => p.Message.Contains("max_experiments", StringComparison.Ordinal));
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    [Fact]
    public void LoadBenchmark_reads_a_benchmark_folder_or_a_campaign_files_benchmark_and_names_a_missing_one()
    {
        Assert.Equal("branin", CampaignLaunch.LoadBenchmark(Path.Combine(RepositoryPaths.Root, "sandboxes", "benchmarks", "branin")).Value!.Name);
        var fromCampaign = CampaignLaunch.LoadBenchmark(BraninCampaignFile);
        Assert.True(fromCampaign.Ok);
        Assert.Equal("branin", fromCampaign.Value!.Name);

        var missing = CampaignLaunch.LoadBenchmark(Path.Combine(Path.GetTempPath(), "ar-no-such-benchmark-" + Guid.NewGuid().ToString("N")[..8]));
        Assert.Equal(OperationFailure.Invalid, missing.Failure);
        Assert.Contains("ar-no-such-benchmark-", Assert.Single(missing.Problems!).Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Preflight_names_a_missing_image_and_refuses_when_the_docker_host_cannot_be_asked()
    {
        var benchmark = Branin();
        Assert.True((await CampaignLaunch.PreflightAsync(benchmark, new ScriptedImages(exists: true), CancellationToken.None)).Ok);

        var missing = await CampaignLaunch.PreflightAsync(benchmark, new ScriptedImages(exists: false), CancellationToken.None);
        Assert.Equal(OperationFailure.Invalid, missing.Failure);
        var problem = Assert.Single(missing.Problems!);
        Assert.Equal(OperationField.File, problem.Field);
        Assert.Contains($"image: image '{benchmark.Image}' is not on the Docker host", problem.Message, StringComparison.Ordinal);

        var unreachable = await CampaignLaunch.PreflightAsync(benchmark, new ScriptedImages(exists: true, unreachable: "Docker is not reachable at unix:///nowhere"), CancellationToken.None);
        Assert.Equal(OperationFailure.Conflict, unreachable.Failure);
        Assert.Equal("Docker is not reachable at unix:///nowhere", unreachable.Conflict);
    }

    [Fact]
    public async Task Validate_runs_the_baseline_once_after_the_checks_and_says_whether_it_gave_an_objective()
    {
        var benchmark = Branin();
        var runner = new ScriptedRunner(ExperimentStatus.Succeeded, objective: 54.3, wall: TimeSpan.FromSeconds(2));
        var said = new List<string>();
        var launch = new CampaignLaunch(images: new ScriptedImages(exists: true), runner: runner);

        var validated = await launch.ValidateAsync(benchmark, b => { said.Add($"ready {b.Name} after {runner.Requests.Count} runs"); return Task.CompletedTask; }, CancellationToken.None);

        Assert.True(validated.Ok);
        var check = validated.Value!;
        Assert.True(check.Passed);
        Assert.Equal(["ready branin after 0 runs"], said);
        var request = Assert.Single(runner.Requests);
        Assert.Equal(benchmark.Defaults(), request.Parameters);
        Assert.Equal(EvaluationSplit.Tuning, request.Split);
        Assert.Equal(TimeSpan.FromSeconds(2), check.Wall);
        Assert.Equal(2 * benchmark.Resources.Cpus, check.CpuSeconds, 9);

        var failing = new CampaignLaunch(images: new ScriptedImages(exists: true), runner: new ScriptedRunner(ExperimentStatus.Failed, objective: null, wall: TimeSpan.FromSeconds(1)));
        var failed = await failing.ValidateAsync(benchmark, null, CancellationToken.None);
        Assert.True(failed.Ok, "a baseline that ran and failed is a result to show, not bad input");
        Assert.False(failed.Value!.Passed);
    }

    [Fact]
    public async Task Validate_of_a_benchmark_whose_image_is_missing_runs_nothing_and_a_host_without_a_runner_says_so()
    {
        var runner = new ScriptedRunner(ExperimentStatus.Succeeded, objective: 1, wall: TimeSpan.FromSeconds(1));
        var ready = 0;
        var launch = new CampaignLaunch(images: new ScriptedImages(exists: false), runner: runner);
        var refused = await launch.ValidateAsync(Branin(), _ => { ready++; return Task.CompletedTask; }, CancellationToken.None);
        Assert.Equal(OperationFailure.Invalid, refused.Failure);
        Assert.Contains("is not on the Docker host", Assert.Single(refused.Problems!).Message, StringComparison.Ordinal);
        Assert.Equal(0, ready);
        Assert.Empty(runner.Requests);

        var noRunner = new CampaignLaunch(images: new ScriptedImages(exists: true));
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => noRunner.ValidateAsync(Branin(), null, CancellationToken.None));
        Assert.Contains(nameof(ISandboxRunner), error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_refuses_an_agent_whose_proposer_cannot_be_built_and_records_nothing()
    {
        var ledger = console.Services.GetRequiredService<ILedger>();
        var launch = new CampaignLaunch(ledger, console.Services.GetRequiredService<IGrainFactory>(), new NoProposers());
        var spec = CampaignLoader.Load(BraninCampaignFile) with { Name = "launch-no-proposer" };

        var refused = await launch.StartAsync(spec, fresh: true, CancellationToken.None);

        Assert.Equal(OperationFailure.Invalid, refused.Failure);
        Assert.Equal(spec.Agents.Count, refused.Problems!.Count);
        Assert.All(refused.Problems!, p => Assert.Equal(OperationField.Agent, p.Field));
        Assert.Contains(refused.Problems!, p => p.Message.Contains("agent 'explorer-1'", StringComparison.Ordinal));
        Assert.DoesNotContain(await ledger.ListCampaignsAsync(), c => c.Name == spec.Name);
    }

    [Fact]
    public async Task Start_runs_the_campaign_here_and_a_second_start_without_fresh_resumes_the_same_one()
    {
        var launch = console.Services.GetRequiredService<CampaignLaunch>();
        var spec = CampaignLoader.Load(BraninCampaignFile) with { Name = "launch-start", MaxExperiments = 1 };

        var started = await launch.StartAsync(spec, fresh: true, CancellationToken.None);
        Assert.True(started.Ok, string.Join("; ", started.Problems?.Select(p => p.Message) ?? []));
        var id = started.Value!.CampaignId;
        try
        {
            Assert.False(started.Value.Resumed);
            Assert.StartsWith("launch-start-", id, StringComparison.Ordinal);
            Assert.Equal(id, started.Value.Status.Id);
            Assert.True(launch.RunsHere(id));
            Assert.NotNull(await console.Services.GetRequiredService<ILedger>().GetCampaignAsync(id));

            var again = await launch.StartAsync(spec, fresh: false, CancellationToken.None);
            Assert.True(again.Ok);
            Assert.True(again.Value!.Resumed, "an unfinished campaign of the same name is resumed, not started twice");
            Assert.Equal(id, again.Value.CampaignId);
        }
        finally
        {
            await StopAsync(id);
        }
    }

    [Fact]
    public async Task Resume_starts_here_an_unfinished_campaign_of_the_ledger_once_and_refuses_a_finished_or_missing_one()
    {
        var ledger = console.Services.GetRequiredService<ILedger>();
        var launch = console.Services.GetRequiredService<CampaignLaunch>();
        var spec = CampaignLoader.Load(BraninCampaignFile) with { Name = "launch-resume", MaxExperiments = 1 };
        var id = "launch-resume-" + Guid.NewGuid().ToString("N")[..8];
        // Left unfinished (paused) by a process that stopped: resumed here, it runs again on this silo.
        await ledger.UpsertCampaignAsync(new CampaignRecord
        {
            Id = id, Name = spec.Name, State = CampaignState.Paused, CreatedAt = DateTimeOffset.UtcNow.AddMinutes(-5),
            StartedAt = DateTimeOffset.UtcNow.AddMinutes(-5), Deadline = DateTimeOffset.UtcNow.AddMinutes(30), Spec = spec,
        });
        try
        {
            Assert.False(launch.RunsHere(id));
            var resumed = await launch.ResumeAsync(id, CancellationToken.None);
            Assert.True(resumed.Ok, resumed.Conflict);
            Assert.True(resumed.Value!.Resumed);
            Assert.True(launch.RunsHere(id));

            var twice = await launch.ResumeAsync(id, CancellationToken.None);
            Assert.True(twice.Ok);
            Assert.False(twice.Value!.Resumed, "a campaign that already runs here is left as it is");
        }
        finally
        {
            await StopAsync(id);
        }

        var finished = await launch.ResumeAsync(id, CancellationToken.None);
        Assert.Equal(OperationFailure.Conflict, finished.Failure);
        // Stopped by the test, or completed first (its one experiment may finish before the stop reaches it).
        Assert.Matches($"^Campaign '{id}' is (stopped|completed); only an unfinished campaign can be resumed\\.$", finished.Conflict);
        Assert.Equal(OperationFailure.NotFound, (await launch.ResumeAsync("no-such-campaign", CancellationToken.None)).Failure);
    }

    [Fact]
    public async Task Report_writes_an_on_demand_report_of_a_campaign_and_says_when_there_is_none()
    {
        var ledger = console.Services.GetRequiredService<ILedger>();
        var launch = console.Services.GetRequiredService<CampaignLaunch>();
        var id = "launch-report-" + Guid.NewGuid().ToString("N")[..8];
        var spec = CampaignLoader.Load(BraninCampaignFile);
        await ledger.UpsertCampaignAsync(new CampaignRecord
        {
            Id = id, Name = spec.Name, State = CampaignState.Completed, CreatedAt = DateTimeOffset.UtcNow.AddHours(-1),
            StartedAt = DateTimeOffset.UtcNow.AddHours(-1), EndedAt = DateTimeOffset.UtcNow, Spec = spec,
        });

        var written = await launch.ReportAsync(id, CancellationToken.None);

        Assert.True(written.Ok);
        Assert.Equal(AutoResearch.Abstractions.Reports.ReportTrigger.OnDemand, written.Value!.Trigger);
        Assert.Contains(id, File.ReadAllText(written.Value.Markdown), StringComparison.Ordinal);
        Assert.True(File.Exists(written.Value.Html));
        Assert.Equal(OperationFailure.NotFound, (await launch.ReportAsync("no-such-campaign", CancellationToken.None)).Failure);
    }

    [Fact]
    public async Task A_control_queued_for_a_campaign_that_has_ended_is_answered_nothing_to_do_not_left_queued()
    {
        var ledger = console.Services.GetRequiredService<ILedger>();
        var spec = CampaignLoader.Load(BraninCampaignFile);
        var id = "launch-ended-" + Guid.NewGuid().ToString("N")[..8];
        await ledger.UpsertCampaignAsync(new CampaignRecord
        {
            Id = id, Name = spec.Name, State = CampaignState.Completed, CreatedAt = DateTimeOffset.UtcNow.AddMinutes(-5),
            StartedAt = DateTimeOffset.UtcNow.AddMinutes(-5), EndedAt = DateTimeOffset.UtcNow, Spec = spec,
        });
        var started = DateTimeOffset.UtcNow;

        var answered = await ControlQueue.EnqueueAndWaitAsync(ledger,
            new ControlRequest { CampaignId = id, Action = ControlAction.Stop, RequestedAt = started, RequestedBy = "tests" }, ControlWait, CancellationToken.None);

        Assert.NotNull(answered.AppliedAt);
        Assert.Equal(((ControlOutcomeKind?)ControlOutcomeKind.NoOp, "nothing to do: the campaign is completed"), (answered.OutcomeKind, answered.Outcome));
        Assert.True(DateTimeOffset.UtcNow - started >= ControlQueue.EndedGrace, "answered before its host had the grace to answer itself");
        Assert.Empty(await ledger.GetPendingControlsAsync(id));
    }

    /// <summary>Stops a campaign this test started and waits (at most <see cref="ControlWait"/>) for its host to apply it (or say it had ended).</summary>
    private async Task StopAsync(string id)
    {
        var stopped = await console.Services.GetRequiredService<CampaignOperations>()
            .ControlAsync(new ControlOrder(id, ControlAction.Stop, Reason: "test over", RequestedBy: "tests"), ControlWait, CancellationToken.None);
        // A one-experiment campaign may complete before the stop reaches it: then there is nothing to do.
        Assert.True(stopped.Ok && stopped.Value!.State is ControlReplyState.Applied or ControlReplyState.NothingToDo,
            $"stopping {id} was not applied within {ControlWait.TotalSeconds} s: {stopped.Failure} {stopped.Conflict} {stopped.Value?.State}");
    }

    private static string BraninCampaignFile => Path.Combine(RepositoryPaths.Root, "campaigns", "branin.yaml");

    private static BenchmarkSpec Branin() => BenchmarkLoader.Load(Path.Combine(RepositoryPaths.Root, "sandboxes", "benchmarks", "branin"));

    private sealed class ScriptedImages(bool exists, string? unreachable = null) : ISandboxImages
    {
        public Task<bool> ExistsAsync(string image, CancellationToken cancellationToken) =>
            unreachable is null ? Task.FromResult(exists) : throw new InvalidOperationException(unreachable);
    }

    private sealed class ScriptedRunner(ExperimentStatus status, double? objective, TimeSpan wall) : ISandboxRunner
    {
        public List<SandboxRequest> Requests { get; } = [];

        public Task<SandboxResult> RunAsync(SandboxRequest request, Func<string, Task>? onStarted, Action<MetricPoint>? onMetric, CancellationToken cancellationToken)
        {
            Requests.Add(request);
            var start = new DateTimeOffset(2026, 12, 5, 3, 0, 0, TimeSpan.Zero);
            return Task.FromResult(new SandboxResult
            {
                Status = status, Objective = objective, StartedAt = start, EndedAt = start + wall,
                Failure = status == ExperimentStatus.Failed ? FailureKind.Crash : FailureKind.None,
                Reason = status == ExperimentStatus.Failed ? "exit code 1" : null,
            });
        }

        public Task<IReadOnlyList<string>> ReapAsync(CancellationToken cancellationToken) => Task.FromResult<IReadOnlyList<string>>([]);
    }

    private sealed class NoProposers : IProposerFactory
    {
        public IReadOnlyCollection<string> Strategies => [];

        public IProposer Create(AgentSpec agent) => throw new InvalidOperationException("no proposers in this test");
    }
}
