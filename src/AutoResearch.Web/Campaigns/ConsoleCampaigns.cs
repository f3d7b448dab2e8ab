using System.Collections.Concurrent;
using AutoResearch.Abstractions.Experiments;
using AutoResearch.Abstractions.Grains;
using AutoResearch.Abstractions.Journal;
using AutoResearch.Abstractions.Ports;
using AutoResearch.Abstractions.Reports;
using AutoResearch.Abstractions.Specs;
using AutoResearch.Evaluation;
using AutoResearch.Grains;
using AutoResearch.Host.Hosting;
using AutoResearch.Host.Operations;
using AutoResearch.Reports;
using Microsoft.Extensions.Options;

namespace AutoResearch.Web.Campaigns;

/// <summary>
/// The console's operations, shared by its pages and its API: the same ones the CLI has (run, status, journal, note,
/// pause/resume/stop/budget, report). Campaigns started here run on this process's silo; campaigns another process runs
/// (an <c>autoresearch run</c> on the same data) are read from the ledger and controlled through its control queue.
/// </summary>
public sealed partial class ConsoleCampaigns(
    ILedger ledger,
    IJournal journal,
    IReportWriter reports,
    CampaignOperations operations,
    CampaignLaunch launch,
    IGrainFactory grains,
    CampaignFormCompiler compiler,
    IOptions<ConsoleOptions> options,
    AutoResearch.Grains.Fleets.FleetDirectory fleets,
    TimeProvider clock,
    ILogger<ConsoleCampaigns> logger)
{
    /// <summary>Whether the campaign's grains run in this process (it was started or resumed here, <see cref="CampaignLaunch.RunsHere"/>).</summary>
    public bool IsHostedHere(string id) => launch.RunsHere(id);

    public async Task<IReadOnlyList<CampaignListItem>> ListAsync(CancellationToken cancellationToken)
    {
        var list = new List<CampaignListItem>();
        foreach (var campaign in (await ledger.ListCampaignsAsync(cancellationToken)).OrderByDescending(c => c.CreatedAt))
        {
            if (IsHostedHere(campaign.Id))
            {
                var status = await grains.GetGrain<ICampaignGrain>(campaign.Id).GetStatus();
                var best = status.BestExperimentId is { } bestId ? (await ledger.GetExperimentAsync(bestId, cancellationToken))?.Sequence : null;
                list.Add(ListItem(campaign, status, best));
                continue;
            }

            // Aggregate queries in the ledger: no campaign's experiments are loaded to list it.
            var headline = await HeadlineAsync(campaign, cancellationToken);
            var limits = CampaignFacts.LimitsInForce(campaign.Spec, await ledger.GetControlsAsync(campaign.Id, cancellationToken));
            list.Add(new CampaignListItem(
                campaign.Id, campaign.Name, campaign.State.ToString(), campaign.Spec.Benchmark.Name, campaign.Spec.Benchmark.Metric.Name,
                campaign.Spec.Benchmark.Metric.Direction.ToString().ToLowerInvariant(), campaign.CreatedAt, campaign.StartedAt, campaign.Deadline,
                campaign.EndedAt, headline.Finished, limits.MaxExperiments, headline.Baseline, headline.Best, headline.BestSequence,
                campaign.Spec.Agents.Count, false));
        }
        return list;
    }

    /// <summary>
    /// Validates the form, writes its campaign file and starts the campaign here (<see cref="CampaignLaunch.StartAsync"/>, as
    /// <c>autoresearch run --fresh</c>); <paramref name="earlier"/>: problems the page found first, reported with the rest.
    /// </summary>
    public async Task<OperationOutcome<string>> StartAsync(CampaignForm form, CancellationToken cancellationToken, FormProblems? earlier = null)
    {
        var compiled = compiler.Compile(form, earlier);
        if (compiled.Spec is null) return new OperationOutcome<string>(null, compiled.Problems);
        var started = await launch.StartAsync(compiled.Spec, fresh: true, cancellationToken);
        if (!started.Ok) return Outcome<string, LaunchReply>(started);
        logger.LogInformation("Console started campaign {CampaignId} from {CampaignFile}", started.Value!.CampaignId, compiled.File);
        return new OperationOutcome<string>(started.Value.CampaignId);
    }

    /// <summary>Resumes here a campaign left running or paused (by a stopped console or CLI), <see cref="CampaignLaunch.ResumeAsync"/>.</summary>
    public async Task<OperationOutcome<string>> ResumeHereAsync(string id, CancellationToken cancellationToken)
    {
        var resumed = await launch.ResumeAsync(id, cancellationToken);
        if (!resumed.Ok) return Outcome<string, LaunchReply>(resumed);
        if (resumed.Value!.Resumed) logger.LogInformation("Console resumed campaign {CampaignId}", id);
        return new OperationOutcome<string>(id);
    }

    public async Task<CampaignDetail?> GetAsync(string id, CancellationToken cancellationToken)
    {
        var campaign = await ledger.GetCampaignAsync(id, cancellationToken);
        if (campaign is null) return null;
        var basis = await BasisAsync(campaign, cancellationToken);
        var (status, experiments, facts) = (basis.Status, basis.Experiments, basis.Facts);
        var start = campaign.StartedAt ?? campaign.CreatedAt;
        var now = clock.GetUtcNow();
        var (journalCount, latestJournal) = await JournalTailAsync(id, 8, cancellationToken);
        // The page shows the running ones and the latest 12 finished in full; every other number comes from the digests.
        var running = await FullAsync(basis.Running, cancellationToken);
        var recent = await FullAsync(basis.Recent, cancellationToken);
        var chart = basis.Chart;
        var costPerGain = basis.CostPerGain;
        return new CampaignDetail(
            ListItem(campaign, status, facts.Best?.Sequence),
            campaign.Spec.Goal,
            status.Reason ?? campaign.Reason,
            campaign.Spec.Target,
            status.BestConfidence,
            status.BestRuns,
            status.NoiseStdDev,
            status.Succeeded,
            status.Failed,
            status.Pruned,
            status.Slots,
            // Budgets in force from the ledger's applied changes (the facts): an agent's own status only catches up at its next report.
            new BudgetView(facts.Budget.Tokens, facts.Budget.CpuSeconds, facts.Budget.GpuSeconds, status.Used.Tokens, status.Used.CpuSeconds, status.Used.GpuSeconds),
            status.Agents.Select(a => (Agent: a, Facts: facts.Agent(a.Id)))
                .Select(x => new AgentView(x.Agent.Id, x.Agent.Role, x.Agent.Proposer, x.Agent.Model, x.Agent.State.ToString(), x.Agent.Activity,
                    x.Agent.ModelProblem, x.Agent.Experiments, x.Agent.Succeeded, x.Agent.InFlight, x.Agent.Best, x.Agent.TokensUsed, x.Agent.TokenBudget,
                    x.Agent.CpuSecondsUsed, x.Agent.CpuBudgetSeconds, x.Agent.GpuSecondsUsed, x.Agent.GpuBudgetSeconds,
                    x.Agent.Rejections, x.Agent.MaxRejections, x.Agent.BackOffTurnsLeft)
                {
                    Failover = x.Facts?.Failover,
                    NewBests = x.Facts?.NewBests ?? 0,
                }).ToList(),
            running.Select(e => Summary(e, now)).ToList(),
            recent.Select(e => Summary(e, now)).ToList(),
            chart
                .Select(e => new ChartPoint(Math.Max(0, (e.EndedAt!.Value - start).TotalMinutes), e.Objective!.Value, e.AgentId, e.Sequence))
                .ToList(),
            facts.Leaderboard.Select(l => new BestStep(Math.Max(0, (l.AcceptedAt - start).TotalMinutes), l.Objective, l.Sequence, l.AgentId, l.Runs, l.Confidence)).ToList(),
            journalCount,
            latestJournal.Reverse().Select(j => Item(j, basis.Sequences)).ToList(),
            now,
            HoldoutView.From(basis.Holdout),

            status.Noise,

            CostPerGainView.From(costPerGain, status),

            basis.Warnings)
        {
            BaselineRuns = facts.Baseline?.Runs ?? 0,
            RunningCount = facts.Running,
            QueuedCount = facts.Queued,
            AwaitingApprovalCount = facts.AwaitingApproval,
            AwaitingApprovalSince = facts.AwaitingApprovalSince,
            // The cluster's sandboxes (every live host's fleet) while the campaign can use them.
            Fleet = status.State is CampaignState.Running or CampaignState.Paused ? await fleets.GetAsync(TimeSpan.FromSeconds(2)) : null,
        };
    }

    /// <summary>The campaign's ledger record; null when there is none.</summary>
    public Task<CampaignRecord?> CampaignAsync(string id, CancellationToken cancellationToken) => ledger.GetCampaignAsync(id, cancellationToken);

    /// <summary>One page of the campaign's experiments, filtered and sorted in the ledger; null when there is no such campaign.</summary>
    public async Task<ExperimentPageView?> ExperimentsAsync(string id, ExperimentQuery query, CancellationToken cancellationToken)
    {
        if (await ledger.GetCampaignAsync(id, cancellationToken) is null) return null;
        var now = clock.GetUtcNow();
        var page = await ledger.QueryExperimentsAsync(id, query, cancellationToken);
        return new ExperimentPageView(page.Total, page.Offset, query.Limit, ExperimentQueryText.SortName(query.Sort), query.Descending,
            page.Items.Select(e => Summary(e, now)).ToList());
    }

    /// <summary>
    /// Every experiment matching <paramref name="query"/>'s filters, in its order (for the exports): the matching ids are read
    /// at once, then their rows a chunk at a time, so a row that changes while a running campaign's export is written is
    /// neither repeated nor skipped.
    /// </summary>
    public async IAsyncEnumerable<ExperimentSummary> ExportAsync(string id, ExperimentQuery query, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var ids = await ledger.QueryExperimentIdsAsync(id, query, cancellationToken);
        foreach (var chunk in ids.Chunk(ExperimentQuery.MaxLimit))
            foreach (var e in await ledger.GetExperimentsByIdsAsync(id, chunk, cancellationToken))
                yield return Summary(e, now);
    }

    public async Task<ExperimentDetail?> ExperimentAsync(string id, int sequence, CancellationToken cancellationToken)
    {
        var campaign = await ledger.GetCampaignAsync(id, cancellationToken);
        if (campaign is null) return null;
        var e = await ledger.GetExperimentBySequenceAsync(id, sequence, cancellationToken);
        if (e is null) return null;
        var benchmark = campaign.Spec.Benchmark;
        var r = benchmark.Resources;
        return new ExperimentDetail(Summary(e, clock.GetUtcNow()), id, e.ProposerName, e.Diff, e.EditedFiles.Keys.Order(StringComparer.Ordinal).ToList(),
            e.Failure.ToString(), e.ExitCode, e.Attempt, e.Seed, e.RepeatOf, e.Confidence, e.Margin, e.CpuSeconds, e.GpuSeconds, e.Tokens, e.ImageId,
            e.LogHead, e.LogTail, e.Metrics,
            new SandboxLimits(r.Cpus, r.MemoryMb, r.Gpus, r.Pids, r.TmpfsMb, benchmark.TimeLimit.TotalSeconds, "none", "read-only", benchmark.Image),
            benchmark.Metric.Name, benchmark.Metric.Direction.ToString().ToLowerInvariant()) { Host = e.Host, ContainerId = e.ContainerId };
    }

    public async Task<IReadOnlyList<JournalItem>?> JournalAsync(string id, long afterId, CancellationToken cancellationToken, JournalFilter? filter = null)
    {
        if (await ledger.GetCampaignAsync(id, cancellationToken) is not { } campaign) return null;
        // Experiment numbers from the detail's basis (kept while the campaign's key holds), not from every digest on every call.
        var sequences = (await BasisAsync(campaign, cancellationToken)).Sequences;
        filter ??= JournalFilter.All;
        return (await journal.ReadAsync(id, afterId, cancellationToken)).Where(filter.Matches).Select(j => Item(j, sequences)).ToList();
    }

    /// <summary>Appends a person's note (<see cref="CampaignOperations.NoteAsync"/>, as <c>autoresearch note</c>).</summary>
    public async Task<OperationOutcome<JournalItem>> AddNoteAsync(string id, NoteRequest note, string signedInAs, CancellationToken cancellationToken)
    {
        var author = note.Author?.Trim() is { Length: > 0 } a ? a : signedInAs;
        var result = await operations.NoteAsync(id, note.Text ?? "", author, note.Experiment, cancellationToken);
        if (!result.Ok) return Outcome<JournalItem, JournalEntry>(result);
        var entry = result.Value!;
        var sequence = entry.ExperimentId is null ? null : (await ledger.GetExperimentAsync(entry.ExperimentId, cancellationToken))?.Sequence;
        return new OperationOutcome<JournalItem>(new JournalItem(entry.Id, entry.At, entry.Author, Kind(entry.Kind), entry.Text, entry.ExperimentId, sequence));
    }

    /// <summary>Queues a pause, resume, stop or budget change (<see cref="CampaignOperations.ControlAsync"/>, as the CLI's control commands) and waits for it to be applied.</summary>
    public async Task<OperationOutcome<ControlResult>> ControlAsync(string id, ControlBody body, string requestedBy, CancellationToken cancellationToken)
    {
        ControlAction? action = body.Action?.Trim().ToLowerInvariant() switch
        {
            "pause" => ControlAction.Pause,
            "resume" => ControlAction.Resume,
            "stop" => ControlAction.Stop,
            "budget" => ControlAction.SetBudget,
            _ => null,
        };
        if (action is null)
        {
            if (await ledger.GetCampaignAsync(id, cancellationToken) is null) return OperationOutcome<ControlResult>.Missing();
            return OperationOutcome<ControlResult>.Invalid("Action", $"'{body.Action}' is not an action; use pause, resume, stop or budget");
        }
        var budget = action == ControlAction.SetBudget ? new BudgetChange { Tokens = body.Tokens, CpuSeconds = body.CpuSeconds, GpuSeconds = body.GpuSeconds } : null;
        var result = await operations.ControlAsync(
            new ControlOrder(id, action.Value, body.Agent, budget, body.TopUp, body.Reason, $"console ({requestedBy})"), options.Value.ControlWait, cancellationToken);
        if (!result.Ok) return Outcome<ControlResult, ControlReply>(result);
        var reply = result.Value!;
        var request = reply.Request;
        var status = reply.State switch { ControlReplyState.Queued => "queued", ControlReplyState.Refused => "refused", _ => "applied" };
        return new OperationOutcome<ControlResult>(new ControlResult(request.Id, body.Action!.Trim().ToLowerInvariant(), request.AgentId, status,
            request.Outcome ?? "No running host applied it yet; it is applied when the campaign runs again (Resume here, or 'autoresearch run' with its campaign file).")
        { State = reply.State });
    }

    /// <summary>A shared operation's failure as the console shows it (problems by form field).</summary>
    private static OperationOutcome<T> Outcome<T, TSource>(OperationResult<TSource> result)
    {
        if (result.Failure == OperationFailure.NotFound) return OperationOutcome<T>.Missing();
        if (result.Failure == OperationFailure.Conflict) return new OperationOutcome<T>(default, Conflict: result.Conflict);
        var problems = new FormProblems();
        foreach (var problem in result.Problems ?? [])
            problems.Add(problem.Key is { } key ? $"{problem.Field}[{key}]" : problem.Field.ToString(), problem.Message);
        return new OperationOutcome<T>(default, problems);
    }

    public async Task<IReadOnlyList<ReportItem>?> ReportsAsync(string id, CancellationToken cancellationToken)
    {
        if (await ledger.GetCampaignAsync(id, cancellationToken) is null) return null;
        return (await reports.ListAsync(id, cancellationToken)).Reverse().Select(r => Item(id, r)).ToList();
    }

    /// <summary>Writes a report now (<see cref="CampaignLaunch.ReportAsync"/>, as <c>autoresearch report</c>).</summary>
    public async Task<OperationOutcome<ReportItem>> WriteReportAsync(string id, CancellationToken cancellationToken)
    {
        var written = await launch.ReportAsync(id, cancellationToken);
        return written.Ok ? new OperationOutcome<ReportItem>(Item(id, written.Value!)) : Outcome<ReportItem, ReportFiles>(written);
    }

    /// <summary>The file of report <paramref name="name"/> (a history folder name) in <paramref name="format"/> (html, md); null when none.</summary>
    public async Task<string?> ReportFileAsync(string id, string name, string format, CancellationToken cancellationToken)
    {
        var list = await reports.ListAsync(id, cancellationToken);
        var report = name == "latest" ? list.LastOrDefault() : list.FirstOrDefault(r => r.Snapshot is { } s && Path.GetFileName(s) == name);
        if (report is null) return null;
        return format switch { "html" => report.Html, "md" => report.Markdown, _ => null };
    }

    /// <summary>Campaigns this console started (their files are in its campaigns folder) that were still unfinished when it stopped.</summary>
    public async Task<IReadOnlyList<string>> ResumeOwnAsync(CancellationToken cancellationToken)
    {
        var resumed = new List<string>();
        foreach (var c in await ledger.ListCampaignsAsync(cancellationToken))
        {
            if (c.State is not (CampaignState.Running or CampaignState.Paused) || IsHostedHere(c.Id)) continue;
            if (!Path.GetFullPath(c.Spec.SourceFile).StartsWith(compiler.CampaignsDirectory + Path.DirectorySeparatorChar, StringComparison.Ordinal)) continue;
            if ((await ResumeHereAsync(c.Id, cancellationToken)).Ok) resumed.Add(c.Id);
        }
        return resumed;
    }

    /// <summary>What a campaign's detail is computed from: its status, its experiments' digests and what is derived from all of them.</summary>
    private sealed record DetailBasis(
        string Key,
        CampaignStatus Status,
        IReadOnlyList<ExperimentRecord> Experiments,
        AutoResearch.Evaluation.CampaignFacts Facts,
        IReadOnlyList<ExperimentRecord> Chart,
        HoldoutSummary Holdout,
        AutoResearch.Evaluation.CostPerGainReport CostPerGain)
    {
        /// <summary>The running and queued experiments' digests (the page reads them whole).</summary>
        public IReadOnlyList<ExperimentRecord> Running { get; init; } = [];

        /// <summary>The 12 latest finished experiments' digests (the page reads them whole).</summary>
        public IReadOnlyList<ExperimentRecord> Recent { get; init; } = [];

        /// <summary>Experiment numbers by id, for journal entries.</summary>
        public IReadOnlyDictionary<string, int> Sequences { get; init; } = new Dictionary<string, int>();

        public IReadOnlyList<LiveWarning> Warnings { get; init; } = [];
    }

    /// <summary>Most settled campaigns whose detail basis is kept in memory.</summary>
    private const int SettledCacheSize = 8;

    /// <summary>Settled campaigns' detail bases, by campaign id (see <see cref="BasisAsync"/>).</summary>
    private readonly ConcurrentDictionary<string, DetailBasis> _settled = new(StringComparer.Ordinal);

    /// <summary>
    /// The detail's basis. A settled campaign (completed, stopped or failed, not run here) no longer changes its experiments,
    /// so its basis is computed once and kept while its key holds: state, end, experiment count and last number, leaderboard
    /// and model-call counts (each read with a small query). Running campaigns are computed afresh on every call.
    /// </summary>
    private async Task<DetailBasis> BasisAsync(CampaignRecord campaign, CancellationToken cancellationToken)
    {
        var key = await SettledKeyAsync(campaign, cancellationToken);
        // Running (or run here): kept while the ledger's signature and the rest of its key hold (ConsoleCampaigns.Live.cs).
        if (key is null) return await LiveBasisAsync(campaign, cancellationToken);
        if (_settled.TryGetValue(campaign.Id, out var kept) && kept.Key == key) return kept;

        var (status, experiments, leaderboard, facts, calls) = await StatusAsync(campaign, cancellationToken);
        var basis = Compose(campaign, key, status, experiments, leaderboard, facts, calls);
        _settled[campaign.Id] = basis;
        // A small cache: beyond its size, drop any other campaign's basis (they are recomputed when asked for again).
        foreach (var other in _settled.Keys.Where(k => k != campaign.Id).Skip(SettledCacheSize - 1).ToList())
            _settled.TryRemove(other, out _);
        return basis;
    }

    /// <summary>The basis from what was read: the chart's sample, the held-out summary and the cost per gain.</summary>
    private static DetailBasis Compose(CampaignRecord campaign, string key, CampaignStatus status, IReadOnlyList<ExperimentRecord> experiments,
        IReadOnlyList<LeaderboardEntry> leaderboard, AutoResearch.Evaluation.CampaignFacts facts, IReadOnlyList<ModelCallRecord> calls)
    {
        var newBests = leaderboard.Select(l => l.ExperimentId).ToHashSet(StringComparer.Ordinal);
        var chart = ReportSampling.Thin(
            experiments.Where(e => e.HasUsableObjective && e.EndedAt is not null).OrderBy(e => e.EndedAt).ToList(),
            MaxChartPoints, e => e.IsBaselineRun || newBests.Contains(e.Id));
        var costPerGain = AutoResearch.Evaluation.CostPerGain.From(campaign.Spec.Agents.Select(a => a.Id).ToList(), experiments, leaderboard,
            calls, campaign.Spec.Benchmark.Metric.Direction);
        var sequences = new Dictionary<string, int>(experiments.Count, StringComparer.Ordinal);
        foreach (var e in experiments) sequences.TryAdd(e.Id, e.Sequence);
        return new DetailBasis(key, status, experiments, facts, chart, HoldoutSummaries.From(experiments, campaign.Spec.Benchmark.Metric), costPerGain)
        {
            Running = experiments.Where(e => e.Status is ExperimentStatus.Running or ExperimentStatus.Queued or ExperimentStatus.AwaitingApproval).ToList(),
            Recent = experiments.Where(e => e.IsFinished).OrderByDescending(e => e.EndedAt).Take(12).ToList(),
            Sequences = sequences,
            Warnings = LiveWarning.From(experiments, campaign.Spec.Benchmark.TimeLimit),
        };
    }

    /// <summary>A settled campaign's cache key (<see cref="SettledCampaignKey"/>); null for one run here or still changing.</summary>
    private async Task<string?> SettledKeyAsync(CampaignRecord campaign, CancellationToken cancellationToken) =>
        IsHostedHere(campaign.Id) ? null : await SettledCampaignKey.OfAsync(ledger, campaign, cancellationToken);

    /// <summary>Settled campaigns' headlines for the list, by campaign id, with their key.</summary>
    private readonly ConcurrentDictionary<string, (string Key, CampaignHeadline Headline)> _headlines = new(StringComparer.Ordinal);

    /// <summary>The list's headline: aggregate queries in the ledger, kept for a settled campaign while its key holds.</summary>
    private async Task<CampaignHeadline> HeadlineAsync(CampaignRecord campaign, CancellationToken cancellationToken)
    {
        var key = await SettledKeyAsync(campaign, cancellationToken);
        if (key is not null && _headlines.TryGetValue(campaign.Id, out var kept) && kept.Key == key) return kept.Headline;
        var headline = await ledger.GetHeadlineAsync(campaign.Id, campaign.Spec.Benchmark.Metric, cancellationToken);
        if (key is not null) _headlines[campaign.Id] = (key, headline);
        return headline;
    }

    /// <summary>
    /// The campaign's status (live from its grains when it runs here, else from the ledger) read beside the ledger's
    /// <see cref="AutoResearch.Evaluation.CampaignFacts"/>, the one projection the CLI and the report read too.
    /// </summary>
    private async Task<(CampaignStatus Status, IReadOnlyList<ExperimentRecord> Experiments, IReadOnlyList<LeaderboardEntry> Leaderboard,
        AutoResearch.Evaluation.CampaignFacts Facts, IReadOnlyList<ModelCallRecord> Calls)> StatusAsync(CampaignRecord campaign, CancellationToken cancellationToken)
    {
        // Digests: every number on the page without the experiments' text (hypotheses, logs, diffs, parameters).
        var experiments = await ledger.GetExperimentDigestsAsync(campaign.Id, cancellationToken);
        var leaderboard = await ledger.GetLeaderboardAsync(campaign.Id, cancellationToken);
        var calls = await ledger.GetModelCallsAsync(campaign.Id, cancellationToken);
        var controls = await ledger.GetControlsAsync(campaign.Id, cancellationToken);
        var slots = campaign.Spec.Slots > 0 ? Math.Min(campaign.Spec.Slots, fleets.Slots) : fleets.Slots;
        if (IsHostedHere(campaign.Id))
        {
            var live = await grains.GetGrain<ICampaignGrain>(campaign.Id).GetStatus();
            var liveFacts = AutoResearch.Evaluation.CampaignFacts.Build(campaign.Id, campaign.Spec, live.State, experiments, leaderboard, calls, controls, live.Slots);
            return (live.WithFacts(liveFacts, live: true), experiments, leaderboard, liveFacts, calls);
        }
        var facts = AutoResearch.Evaluation.CampaignFacts.Build(campaign.Id, campaign.Spec, campaign.State, experiments, leaderboard, calls, controls, slots);
        return (LedgerCampaignStatus.From(campaign, experiments, slots, facts), experiments, leaderboard, facts, calls);
    }

    /// <summary>Most points the live chart gets: every accepted best and the baseline, then an even sample.</summary>
    public const int MaxChartPoints = 2000;

    /// <summary>The full records of <paramref name="digests"/> (for the few the page shows with their text).</summary>
    private async Task<List<ExperimentRecord>> FullAsync(IEnumerable<ExperimentRecord> digests, CancellationToken cancellationToken)
    {
        var full = new List<ExperimentRecord>();
        foreach (var d in digests)
            full.Add(await ledger.GetExperimentAsync(d.Id, cancellationToken) ?? d);
        return full;
    }

    private CampaignListItem ListItem(CampaignRecord campaign, CampaignStatus status, int? bestSequence) => new(
        campaign.Id, campaign.Name, status.State.ToString(), campaign.Spec.Benchmark.Name, campaign.Spec.Benchmark.Metric.Name,
        campaign.Spec.Benchmark.Metric.Direction.ToString().ToLowerInvariant(), campaign.CreatedAt, status.StartedAt ?? campaign.StartedAt,
        status.Deadline ?? campaign.Deadline, status.EndedAt ?? campaign.EndedAt, status.Finished, status.MaxExperiments, status.Baseline, status.Best,
        bestSequence,
        campaign.Spec.Agents.Count, IsHostedHere(campaign.Id));

    private static ExperimentSummary Summary(ExperimentRecord e, DateTimeOffset now) => new(
        e.Sequence, e.Id, e.AgentId, e.Kind.ToString(), e.Status.ToString(), e.Verdict.ToString(), e.Objective, e.QueuedAt, e.StartedAt, e.EndedAt,
        e.StartedAt is { } s ? ((e.EndedAt ?? now) - s).TotalSeconds : null, e.Hypothesis, e.Reason, e.Parameters,
        e.Failure, ExperimentSummary.Because(e));

    private static ReportItem Item(string id, ReportFiles files)
    {
        var name = files.Snapshot is { } s ? Path.GetFileName(s) : "latest";
        var trigger = files.Trigger switch { ReportTrigger.Scheduled => "scheduled", ReportTrigger.Final => "final", _ => "on-demand" };
        var path = $"/api/campaigns/{Uri.EscapeDataString(id)}/reports/{Uri.EscapeDataString(name)}";
        return new ReportItem(name, files.WrittenAt, trigger, $"{path}/html", $"{path}/md");
    }

    private static JournalItem Item(JournalEntry entry, IReadOnlyDictionary<string, int> sequences) => new(
        entry.Id, entry.At, entry.Author, Kind(entry.Kind), entry.Text, entry.ExperimentId,
        entry.ExperimentId is { } x && sequences.TryGetValue(x, out var sequence) ? sequence : null);

    private static string Kind(JournalEntryKind kind) => kind == JournalEntryKind.DeadEnd ? "dead_end" : kind.ToString().ToLowerInvariant();
}
