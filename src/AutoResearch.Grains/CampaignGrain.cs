using AutoResearch.Abstractions;
using AutoResearch.Abstractions.Experiments;
using AutoResearch.Abstractions.Grains;
using AutoResearch.Abstractions.Journal;
using AutoResearch.Abstractions.Ports;
using AutoResearch.Abstractions.Specs;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Runtime;

namespace AutoResearch.Grains;

/// <summary>
/// One campaign: state machine (Created → Running → Completed/Stopped/Failed), deadline, experiment tickets and the leaderboard.
/// Counts and the best result are rebuilt from the ledger on activation, so a killed host loses nothing.
/// </summary>
public sealed class CampaignGrain(
    [PersistentState("campaign", Names.GrainStorage)] IPersistentState<CampaignGrainState> state,
    ILedger ledger,
    IJournal journal,
    IReportWriter reports,
    IOptions<FleetOptions> fleet,
    TimeProvider clock,
    ILogger<CampaignGrain> logger) : Grain, ICampaignGrain
{
    private readonly HashSet<string> _counted = new(StringComparer.Ordinal);
    private int _nextSequence;
    private int _launched;
    private int _succeeded;
    private int _failed;
    private double? _baseline;
    private double? _best;
    private string? _bestExperimentId;
    private IGrainTimer? _watchdog;

    private string CampaignId => this.GetPrimaryKeyString();
    private CampaignSpec Spec => state.State.Spec ?? throw new InvalidOperationException($"Campaign '{CampaignId}' has not been started.");
    private int Slots => Spec.Slots > 0 ? Math.Min(Spec.Slots, Math.Max(1, fleet.Value.Slots)) : Math.Max(1, fleet.Value.Slots);

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (state.State.Spec is not null)
            await RebuildFromLedgerAsync(cancellationToken);
        await base.OnActivateAsync(cancellationToken);
    }

    public async Task<CampaignStatus> Start(CampaignSpec spec)
    {
        using var scope = logger.BeginScope(new Dictionary<string, object> { ["CampaignId"] = CampaignId });
        if (state.State.Spec is null)
        {
            var now = clock.GetUtcNow();
            state.State.Spec = spec;
            state.State.State = CampaignState.Running;
            state.State.CreatedAt = now;
            state.State.StartedAt = now;
            state.State.Deadline = now + spec.Duration;
            state.State.Agents = spec.Agents.ToDictionary(a => a.Id, AgentStatus.Initial);
            await state.WriteStateAsync();
            await SaveCampaignRecordAsync();
            await journal.AppendAsync(SystemEntry(
                $"Campaign started: {spec.Benchmark.Metric.Direction.ToString().ToLowerInvariant()} {spec.Benchmark.Metric.Name} on {spec.Benchmark.Name} " +
                $"with {spec.Agents.Count} agents, at most {spec.MaxExperiments} experiments, deadline {state.State.Deadline:u}."));
            logger.LogInformation("Campaign {CampaignId} started with {AgentCount} agents, deadline {Deadline}", CampaignId, spec.Agents.Count, state.State.Deadline);
        }
        else if (state.State.State == CampaignState.Running)
        {
            logger.LogInformation("Campaign {CampaignId} resumed with {Finished} finished experiments", CampaignId, _succeeded + _failed);
            foreach (var id in state.State.Agents.Keys.ToList())
                state.State.Agents[id] = state.State.Agents[id] with { State = AgentState.Idle, Activity = "resuming" };
            await journal.AppendAsync(SystemEntry($"Campaign resumed after a restart with {_succeeded + _failed} finished experiments."));
        }

        if (state.State.State == CampaignState.Running)
        {
            foreach (var agent in Spec.Agents)
            {
                await GrainFactory.GetGrain<IAgentGrain>(IAgentGrain.KeyFor(CampaignId, agent.Id))
                    .Start(new AgentAssignment { CampaignId = CampaignId, Agent = agent, Benchmark = Spec.Benchmark });
            }
            _watchdog ??= this.RegisterGrainTimer(CheckCompletionAsync, new GrainTimerCreationOptions(TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(2)) { KeepAlive = true });
        }
        return BuildStatus();
    }

    public Task<CampaignStatus> GetStatus() => Task.FromResult(BuildStatus());

    public async Task<CampaignStatus> Stop(string reason)
    {
        if (state.State.Spec is null || state.State.State != CampaignState.Running)
            return BuildStatus();
        state.State.Reason = reason;
        await FinishAsync(CampaignState.Stopped, reason);
        foreach (var agent in Spec.Agents)
            await GrainFactory.GetGrain<IAgentGrain>(IAgentGrain.KeyFor(CampaignId, agent.Id)).Stop();
        return BuildStatus();
    }

    public Task<Leaderboard> GetLeaderboard() => Task.FromResult(new Leaderboard());

    public Task<CampaignStatus> Control(ControlRequest request) => Stop(request.Reason);

    public async Task<ExperimentTicket> RequestTicket(TicketRequest request)
    {
        var refusal = WhyNoMoreExperiments();
        if (refusal is not null)
            return new ExperimentTicket { Granted = false, Reason = refusal, MaxSlots = Slots };

        var ticket = new ExperimentTicket
        {
            Granted = true,
            Sequence = _nextSequence++,
            IsBaseline = _launched == 0,
            MaxSlots = Slots,
        };
        _launched++;
        await Task.CompletedTask;
        return ticket;
    }

    public async Task ReportFinished(ExperimentRecord experiment, AgentStatus agent)
    {
        state.State.Agents[agent.Id] = agent;
        if (_counted.Add(experiment.Id))
        {
            Count(experiment, out var improved);
            if (improved && !experiment.IsBaseline)
            {
                await journal.AppendAsync(SystemEntry(
                    $"New best {Spec.Benchmark.Metric.Name}={experiment.Objective:G6} by {experiment.AgentId} (experiment {experiment.Sequence}).",
                    experiment.Id, JournalEntryKind.Insight));
            }
        }
        await state.WriteStateAsync();
        await CheckCompletionAsync(CancellationToken.None);
    }

    public async Task ReportAgent(AgentStatus agent)
    {
        state.State.Agents[agent.Id] = agent;
        await state.WriteStateAsync();
    }

    private string? WhyNoMoreExperiments()
    {
        if (state.State.Spec is null) return "campaign not started";
        if (state.State.State != CampaignState.Running) return $"campaign is {state.State.State.ToString().ToLowerInvariant()}";
        if (_launched >= Spec.MaxExperiments) return $"all {Spec.MaxExperiments} experiments granted";
        if (Spec.Target is { } target && _best is { } best && !Spec.Benchmark.Metric.IsBetter(target, best))
            return $"target {target:G6} reached";
        if (state.State.Deadline is { } deadline && clock.GetUtcNow() + Spec.Benchmark.TimeLimit > deadline)
            return "not enough time before the deadline for another run";
        return null;
    }

    private async Task CheckCompletionAsync(CancellationToken cancellationToken)
    {
        if (state.State.Spec is null || state.State.State != CampaignState.Running) return;
        // Agents report Done only after their last experiment is recorded, so "all done" also means nothing runs.
        var agentsDone = state.State.Agents.Count > 0 && state.State.Agents.Values.All(a => a.State is AgentState.Done or AgentState.Stopped);
        var running = _launched - _counted.Count;
        if (running > 0 && !agentsDone) return;
        var refusal = WhyNoMoreExperiments();
        if (refusal is null && !agentsDone) return;
        await FinishAsync(CampaignState.Completed, refusal ?? "every agent has finished");
    }

    private async Task FinishAsync(CampaignState final, string reason)
    {
        state.State.State = final;
        state.State.EndedAt = clock.GetUtcNow();
        state.State.Reason = reason;
        await state.WriteStateAsync();
        await SaveCampaignRecordAsync();
        await journal.AppendAsync(SystemEntry(
            $"Campaign {final.ToString().ToLowerInvariant()}: {reason}. {_succeeded} succeeded, {_failed} failed; baseline {Format(_baseline)}, best {Format(_best)}."));
        logger.LogInformation("Campaign {CampaignId} {State}: {Reason}", CampaignId, final, reason);
        _watchdog?.Dispose();
        _watchdog = null;
        try
        {
            var files = await reports.WriteAsync(CampaignId);
            state.State.ReportMarkdown = files.Markdown;
            state.State.ReportHtml = files.Html;
            await state.WriteStateAsync();
        }
        catch (Exception ex)
        {
            logger.LogError(ex, "Writing the report of campaign {CampaignId} failed", CampaignId);
        }
    }

    private async Task RebuildFromLedgerAsync(CancellationToken cancellationToken)
    {
        var experiments = await ledger.GetExperimentsAsync(CampaignId, cancellationToken);
        _nextSequence = experiments.Count == 0 ? 0 : experiments.Max(e => e.Sequence) + 1;
        _launched = experiments.Count;
        foreach (var e in experiments.Where(e => e.IsFinished))
        {
            _counted.Add(e.Id);
            Count(e, out _);
        }
    }

    private void Count(ExperimentRecord e, out bool improved)
    {
        improved = false;
        if (!e.HasUsableObjective || e.Objective is not { } value)
        {
            _failed++;
            return;
        }
        _succeeded++;
        if (e.IsBaseline) _baseline ??= value;
        if (_best is null || Spec.Benchmark.Metric.IsBetter(value, _best.Value))
        {
            _best = value;
            _bestExperimentId = e.Id;
            improved = true;
        }
    }

    private async Task SaveCampaignRecordAsync() =>
        await ledger.UpsertCampaignAsync(new CampaignRecord
        {
            Id = CampaignId,
            Name = Spec.Name,
            Spec = Spec,
            State = state.State.State,
            CreatedAt = state.State.CreatedAt,
            StartedAt = state.State.StartedAt,
            EndedAt = state.State.EndedAt,
            Deadline = state.State.Deadline,
            Reason = state.State.Reason,
        });

    private CampaignStatus BuildStatus()
    {
        var spec = state.State.Spec;
        return new CampaignStatus
        {
            Id = CampaignId,
            Name = spec?.Name ?? CampaignId,
            State = state.State.State,
            StartedAt = state.State.StartedAt,
            EndedAt = state.State.EndedAt,
            Deadline = state.State.Deadline,
            MaxExperiments = spec?.MaxExperiments ?? 0,
            Launched = _launched,
            Finished = _succeeded + _failed,
            Succeeded = _succeeded,
            Failed = _failed,
            Direction = spec?.Benchmark.Metric.Direction ?? Direction.Minimize,
            MetricName = spec?.Benchmark.Metric.Name ?? "",
            Baseline = _baseline,
            Best = _best,
            BestExperimentId = _bestExperimentId,
            Agents = spec is null ? [] : spec.Agents.Select(a => state.State.Agents.GetValueOrDefault(a.Id) ?? AgentStatus.Initial(a)).ToList(),
            Reason = state.State.Reason,
            ReportMarkdown = state.State.ReportMarkdown,
            ReportHtml = state.State.ReportHtml,
            Slots = spec is null ? 0 : Slots,
        };
    }

    private JournalEntry SystemEntry(string text, string? experimentId = null, JournalEntryKind kind = JournalEntryKind.System) => new()
    {
        CampaignId = CampaignId,
        Author = "system",
        Kind = kind,
        Text = text,
        ExperimentId = experimentId,
        At = clock.GetUtcNow(),
    };

    private static string Format(double? value) => value is { } v ? v.ToString("G6", System.Globalization.CultureInfo.InvariantCulture) : "n/a";
}
