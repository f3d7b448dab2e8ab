using AutoResearch.Abstractions.Parameters;
using System.Globalization;
using AutoResearch.Abstractions.Experiments;
using AutoResearch.Abstractions.Grains;
using AutoResearch.Abstractions.Journal;
using AutoResearch.Abstractions.Ports;
using AutoResearch.Abstractions.Specs;
using Microsoft.Extensions.Logging;

namespace AutoResearch.Grains.Agents;

/// <summary>
/// Builds the experiment for a ticket: the baseline, a repeat or held-out run with a new seed, or the proposer's next proposal
/// (validated; a rejected or failed proposal comes back finished as <see cref="FailureKind.Rejected"/>).
/// </summary>
public sealed class ProposalStep(AgentSession agent)
{
    public async Task<ExperimentRecord> PrepareAsync(ExperimentTicket ticket, CancellationToken cancellationToken)
    {
        var benchmark = agent.Assignment.Benchmark;
        var baseRecord = new ExperimentRecord
        {
            Id = ExperimentIds.For(agent.CampaignId, ticket.Sequence),
            CampaignId = agent.CampaignId,
            AgentId = agent.Spec.Id,
            Sequence = ticket.Sequence,
            ProposerName = ticket.Kind == ExperimentKind.Baseline ? "baseline" : agent.Proposer!.Name,
            Parameters = benchmark.Defaults(),
            IsBaseline = ticket.Kind == ExperimentKind.Baseline,
            Kind = ticket.Kind,
            Status = ExperimentStatus.Queued,
            QueuedAt = agent.Clock.GetUtcNow(),
            Seed = SeedFor(ticket.Sequence),
            Hypothesis = ticket.Kind == ExperimentKind.Baseline ? "Baseline: every parameter at its default, no edits." : "",
        };
        if (ticket.Kind == ExperimentKind.Baseline) return baseRecord;
        if (ticket.Kind == ExperimentKind.Holdout && ticket.RepeatOf is { } target)
            return HeldOutRun(baseRecord, target);
        if (ticket.Kind == ExperimentKind.Repeat && ticket.RepeatOf is { } of)
        {
            return baseRecord with
            {
                ProposerName = "repeat",
                RepeatOf = of.Id,
                Parameters = of.Parameters,
                EditedFiles = new Dictionary<string, string>(of.EditedFiles, StringComparer.Ordinal),
                Diff = of.Diff,
                Hypothesis = of.Kind == ExperimentKind.Baseline
                    ? $"Noise measurement: the baseline again with seed {baseRecord.Seed}."
                    : $"Confirmation: experiment #{of.Sequence} again with seed {baseRecord.Seed}.",
            };
        }

        if (await agent.Host.TakeConfigurationAsync() is { } person)
            return await PersonsProposalAsync(baseRecord, person, ticket);

        agent.SetActivity("proposing");
        try
        {
            var experiments = await agent.Ledger.GetExperimentsAsync(agent.CampaignId, cancellationToken);
            var turn = await DecideTurnAsync(experiments);
            var context = new ProposalContext
            {
                CampaignId = agent.CampaignId,
                AgentId = agent.Spec.Id,
                ExperimentId = baseRecord.Id,
                TokensLeft = agent.WorstCase.Tokens,
                BudgetLeft = DescribeBudgetLeft(),
                Experiments = experiments,
                Benchmark = benchmark,
                History = experiments.Where(e => e.IsFinished).Select(e => new Observation
                {
                    Parameters = e.Parameters,
                    Objective = e.Status is ExperimentStatus.Succeeded or ExperimentStatus.Pruned ? e.Objective : null,
                    Pruned = e.Status == ExperimentStatus.Pruned,
                    Proposer = e.ProposerName,
                }).ToList(),
                Pending = experiments.Where(e => !e.IsFinished).Select(e => e.Parameters).ToList(),
                Seed = agent.Spec.Seed,
                Round = agent.Proposals++,
                Settings = agent.Spec.Settings,
                Best = ticket.Best,
                Turn = turn,
            };
            var proposal = await agent.Proposer!.ProposeAsync(context, cancellationToken);
            await NoteModelStateAsync(proposal, baseRecord);
            var problem = proposal.Rejection ?? ProposalValidator.Validate(benchmark, proposal);
            if (problem is not null)
                return Rejected(baseRecord with { Parameters = proposal.Parameters, Hypothesis = proposal.Hypothesis, Tokens = proposal.Tokens, ProposerName = proposal.ProposerName, Origin = proposal.Origin }, problem);
            // Advance the branch: a proposal that edits no files builds on the best code found so far.
            var edits = proposal.EditedFiles.Count == 0 && ticket.Best is { EditedFiles.Count: > 0 } best
                ? new Dictionary<string, string>(best.EditedFiles, StringComparer.Ordinal)
                : proposal.EditedFiles;
            return baseRecord with
            {
                Parameters = proposal.Parameters,
                Diff = proposal.Diff,
                EditedFiles = edits,
                Hypothesis = proposal.Hypothesis,
                ProposerName = proposal.ProposerName,
                Origin = proposal.Origin,
                Tokens = proposal.Tokens,
            };
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Model calls made before the failure still cost their tokens: the ledger has them.
            var spent = (await agent.Ledger.GetModelCallsAsync(agent.CampaignId, CancellationToken.None)).Where(c => c.ExperimentId == baseRecord.Id).Sum(c => c.TotalTokens);
            agent.Logger.LogWarning(ex, "Proposer {Proposer} of agent {AgentId} failed", agent.Spec.Proposer, agent.Spec.Id);
            return Rejected(baseRecord with { Tokens = spent }, $"proposer {agent.Spec.Proposer} failed: {ex.Message}");
        }
    }

    /// <summary>
    /// A person's configuration ("try this next") as this proposal: the values given, the benchmark's defaults for the rest,
    /// on the best code found so far; recorded with <see cref="ProposalOrigin.Person"/> and journaled like any proposal.
    /// </summary>
    private async Task<ExperimentRecord> PersonsProposalAsync(ExperimentRecord baseRecord, QueuedConfiguration person, ExperimentTicket ticket)
    {
        var parameters = agent.Assignment.Benchmark.Defaults().With(person.Parameters);
        var given = person.Parameters.ToString();
        var by = string.IsNullOrWhiteSpace(person.RequestedBy) ? "a person" : person.RequestedBy;
        var hypothesis = $"Configuration from {by}: {given}" + (string.IsNullOrWhiteSpace(person.Reason) ? "." : $" ({person.Reason}).");
        var record = baseRecord with
        {
            Parameters = parameters,
            Hypothesis = hypothesis,
            ProposerName = "person",
            Origin = ProposalOrigin.Person,
            EditedFiles = ticket.Best is { EditedFiles.Count: > 0 } best ? new Dictionary<string, string>(best.EditedFiles, StringComparer.Ordinal) : [],
        };
        await agent.WriteJournalAsync(JournalEntryKind.Hypothesis, $"#{record.Sequence}: {hypothesis}", record.Id);
        var problem = ProposalValidator.Validate(agent.Assignment.Benchmark, new Proposal { Parameters = parameters, EditedFiles = record.EditedFiles, Hypothesis = hypothesis, ProposerName = "person" });
        return problem is null ? record : Rejected(record, problem);
    }

    /// <summary>The record finished without running: rejected before it ran, or (<paramref name="failure"/>) not started.</summary>
    public ExperimentRecord Rejected(ExperimentRecord record, string reason, FailureKind failure = FailureKind.Rejected)
    {
        var now = agent.Clock.GetUtcNow();
        return record with { Status = ExperimentStatus.Failed, Failure = failure, Reason = reason, StartedAt = now, EndedAt = now };
    }

    /// <summary>
    /// A model agent's next turn (<see cref="ModelTurnPolicy"/>) from the ledger's record of its proposals, so a back-off
    /// survives a restart; null for built-in optimizers. Its allowance of rejections comes from its fair share of the campaign.
    /// </summary>
    private async Task<ModelTurn?> DecideTurnAsync(IReadOnlyList<ExperimentRecord> experiments)
    {
        if (agent.Spec.Proposer != AgentSpec.ModelProposer) return null;
        var turn = ModelTurnPolicy.From(agent.Spec.Settings).Decide(experiments.Where(e => e.AgentId == agent.Spec.Id), await agent.RejectionAllowanceAsync());
        agent.Status = agent.Current with
        {
            Rejections = turn.Rejections,
            MaxRejections = turn.MaxRejections,
            BackOffTurnsLeft = turn.Kind == ModelTurnKind.BackOff ? turn.BackOffTurnsLeft : 0,
            RejectionsUsedUp = turn.Kind == ModelTurnKind.Exhausted,
        };
        return turn;
    }

    /// <summary>Tells the journal and the status what a model agent's proposal says about its models (fallback, failover, rationale).</summary>
    private async Task NoteModelStateAsync(Proposal proposal, ExperimentRecord record)
    {
        if (proposal.Notice is { Length: > 0 } notice)
            await agent.WriteJournalAsync(JournalEntryKind.System, notice, record.Id);
        if (proposal.Rationale is { Length: > 0 } rationale && proposal.Rejection is null)
        {
            var expected = proposal.ExpectedEffect is { Length: > 0 } e ? $" Expected: {e}" : "";
            await agent.WriteJournalAsync(JournalEntryKind.Hypothesis, $"#{record.Sequence}: {proposal.Hypothesis} Why: {rationale}{expected}", record.Id);
        }
        if (agent.Spec.Proposer != AgentSpec.ModelProposer) return;
        agent.Status = agent.WithTokenPlan(agent.Current with { ModelProblem = proposal.ModelProblem, Model = proposal.Model ?? agent.Current.Model });
    }

    /// <summary>The agent's budget left after the open reservations, in words, for a model's context.</summary>
    private string DescribeBudgetLeft()
    {
        var remaining = agent.Budget!.Remaining;
        var parts = new List<string>();
        if (remaining.Tokens is { } t) parts.Add(string.Create(CultureInfo.InvariantCulture, $"{t} tokens"));
        if (remaining.CpuSeconds is { } c) parts.Add(string.Create(CultureInfo.InvariantCulture, $"{c:F0} CPU-seconds"));
        if (remaining.GpuSeconds is { } g) parts.Add(string.Create(CultureInfo.InvariantCulture, $"{g:F0} GPU-seconds"));
        return parts.Count == 0 ? "no limit" : string.Join(", ", parts) + string.Create(CultureInfo.InvariantCulture, $" (one run costs up to {agent.WorstCase.CpuSeconds:F0} CPU-seconds)");
    }

    /// <summary>A held-out run of <paramref name="target"/>: its parameters and edits, a fresh seed, scored with <c>AR_EVAL=holdout</c>.</summary>
    private static ExperimentRecord HeldOutRun(ExperimentRecord baseRecord, ExperimentRecord target) => baseRecord with
    {
        ProposerName = "holdout",
        IsBaseline = false,
        RepeatOf = target.Id,
        Parameters = target.Parameters,
        EditedFiles = new Dictionary<string, string>(target.EditedFiles, StringComparer.Ordinal),
        Diff = target.Diff,
        Hypothesis = target.Kind == ExperimentKind.Baseline || target.IsBaseline
            ? $"Held-out re-validation: the baseline on the held-out evaluation with seed {baseRecord.Seed}."
            : $"Held-out re-validation: experiment #{target.Sequence} on the held-out evaluation with seed {baseRecord.Seed}.",
    };

    private int SeedFor(int sequence) => agent.Assignment.Benchmark.FixedSeed ?? (int)((uint)(agent.Spec.Seed * 1_000_003 + sequence) & 0x7fffffff);
}
