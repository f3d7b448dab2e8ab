using AutoResearch.Abstractions.Parameters;
using System.Collections.Concurrent;
using System.Globalization;
using AutoResearch.Abstractions.Experiments;
using AutoResearch.Abstractions.Journal;
using AutoResearch.Abstractions.Models;
using AutoResearch.Abstractions.Ports;
using AutoResearch.Abstractions.Specs;
using AutoResearch.Edits;
using Microsoft.Extensions.Logging;

namespace AutoResearch.Models.Research;

/// <summary>
/// A research agent driven by a language model: it reads the task, the current best code, recent experiments and the shared
/// journal, answers with a hypothesis and edits, gets one bounded repair round when its answer cannot be used, and writes its
/// reflection on the result. Every call goes through <see cref="IModelGateway"/> (retries, failover, metering). While no
/// model answers, the built-in <see cref="LlmSettings.Fallback"/> optimizer proposes instead, so the night is not lost.
/// </summary>
public sealed class LlmProposer : IProposer, IReflector
{
    private readonly AgentSpec _agent;
    private readonly LlmSettings _settings;
    private readonly IModelGateway _gateway;
    private readonly IJournal _journal;
    private readonly IProposer _fallback;
    private readonly int _contextTokens;
    private readonly int _maxOutputTokens;
    private readonly ILogger _logger;
    private readonly IStructuredModelGateway? _structured;
    private readonly long _systemTokens;
    private readonly ConcurrentDictionary<string, string> _rationales = new(StringComparer.Ordinal);
    private long _measuredPrompt;
    private volatile bool _outage;
    private volatile string? _answering;

    public LlmProposer(AgentSpec agent, IModelGateway gateway, IJournal journal, IProposer fallback, int contextTokens, int maxOutputTokens, ILogger logger)
    {
        _agent = agent;
        _settings = LlmSettings.From(agent.Settings);
        _gateway = gateway;
        _journal = journal;
        _fallback = fallback;
        _contextTokens = contextTokens;
        _maxOutputTokens = maxOutputTokens;
        _logger = logger;
        _structured = gateway as IStructuredModelGateway;
        _systemTokens = TokenEstimator.Estimate([new ModelMessage(ModelRole.System, PromptBuilder.SystemPrompt(agent.Id, agent.Role))]);
    }

    public string Name => LlmSettings.StrategyName;

    /// <summary>
    /// The experiment's token plan (<see cref="TokenPlan"/>): measured from the last proposal's prompt once there was one,
    /// the context window's room before; never more than the agent's whole token budget (the prompt is then cut to fit).
    /// </summary>
    public long MaxTokensPerExperiment => _agent.TokenBudget > 0 ? Math.Min(Plan.OneExperiment, _agent.TokenBudget) : Plan.OneExperiment;

    public string? DescribeTokenPlan() => MaxTokensPerExperiment < Plan.OneExperiment
        ? string.Create(CultureInfo.InvariantCulture, $"{Plan.Describe()}, capped at the token budget {_agent.TokenBudget:N0}")
        : Plan.Describe();

    /// <summary>What one experiment of this agent may cost, call by call.</summary>
    public TokenPlan Plan => PlanFor(_settings, _systemTokens, _contextTokens, _maxOutputTokens, Interlocked.Read(ref _measuredPrompt) is > 0 and var m ? m : null, null);

    /// <summary>Most tokens of a reflection prompt (its material is capped: hypothesis, rationale, parameters, diff, reason, log).</summary>
    internal const long ReflectionPromptBound = 3_000;

    /// <summary>Tokens a prompt may grow by between two proposals (a new experiment line and journal entries) on top of 10 %.</summary>
    internal const long PromptGrowth = 400;

    /// <summary>
    /// The token plan of one experiment: the proposal prompt is <paramref name="measuredPrompt"/> (plus room to grow), else
    /// <paramref name="benchmarkPrompt"/> (the benchmark's prompt with no history yet, plus the history and journal it will
    /// show), else the context window's room; never past the window.
    /// </summary>
    internal static TokenPlan PlanFor(LlmSettings settings, long systemTokens, int contextTokens, int maxOutputTokens, long? measuredPrompt, long? benchmarkPrompt)
    {
        long room = contextTokens - maxOutputTokens;
        var (prompt, basis) = (measuredPrompt, benchmarkPrompt) switch
        {
            ({ } m, _) => (Math.Min(room, m + m / 10 + PromptGrowth), "measured"),
            (null, { } b) => (Math.Min(room, b + HistoryTokens(settings)), "for this benchmark with a full history"),
            _ => (room, "the context window's room, until measured"),
        };
        var repair = settings.Repair ? Math.Min(contextTokens, prompt + maxOutputTokens + 128 + maxOutputTokens) : 0;
        var reflection = settings.Reflect ? Math.Min(contextTokens, ReflectionPromptBound + Math.Min(maxOutputTokens, 512)) : 0;
        return new TokenPlan(systemTokens, prompt, maxOutputTokens, repair, reflection, basis);
    }

    /// <summary>Most tokens the history, journal and notes sections can add (their lines are capped).</summary>
    private static long HistoryTokens(LlmSettings settings) => (long)Math.Ceiling((settings.History * 440 + settings.JournalEntries * 500 + 5 * 660) / 3.5);

    /// <summary>
    /// The user prompt's room in a reservation of <paramref name="tokensLeft"/>: enough left for the answer, the repair round
    /// and the reflection when the reservation allows, else for fewer of them (the rest is then refused unsent).
    /// </summary>
    private long PromptRoom(long? tokensLeft)
    {
        var window = _contextTokens - _maxOutputTokens - _systemTokens - 16;
        if (tokensLeft is not { } t) return window;
        long output = _maxOutputTokens, reflect = _settings.Reflect ? ReflectionPromptBound + Math.Min(output, 512) : 0;
        long[] candidates = _settings.Repair
            ? [(t - reflect - 3 * output - 128) / 2, (t - 3 * output - 128) / 2, t - reflect - output, t - output]
            : [t - reflect - output, t - output];
        foreach (var total in candidates)
        {
            var user = total - _systemTokens - 16;
            if (user >= 256) return Math.Min(window, user);
        }
        return 256;
    }

    public async Task<Proposal> ProposeAsync(ProposalContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.Turn is { AsksModel: false } backOff)
            return await BackOffAsync(context, backOff, cancellationToken);
        var retryNotice = context.Turn is { Kind: ModelTurnKind.RetryModel } retry && Announce(retry)
            ? $"Back-off over after {retry.Consecutive} rejected answer(s) in a row: asking the model again, with the last {retry.RecentRejections.Count} rejection reason(s) in its prompt (rejections so far: {retry.Rejections} of {retry.MaxRejections} allowed)."
            : null;
        var benchmark = context.Benchmark;
        var originals = BenchmarkFiles.ReadEditable(benchmark);
        var current = new Dictionary<string, string>(originals, StringComparer.Ordinal);
        foreach (var (path, content) in context.Best?.EditedFiles ?? []) current[path] = content;
        var bestParameters = context.Best?.Parameters is { Count: > 0 } bp ? bp : benchmark.Defaults();

        var journal = await _journal.ReadAsync(context.CampaignId, 0, cancellationToken);
        var recentJournal = journal.TakeLast(_settings.JournalEntries).ToList();
        var recent = context.Experiments.Where(e => e.IsFinished).OrderBy(e => e.Sequence).TakeLast(_settings.History).ToList();
        var system = PromptBuilder.SystemPrompt(_agent.Id, _agent.Role);
        var budgetForPrompt = PromptRoom(context.TokensLeft);
        var schema = ProposalSchema.For(benchmark);
        var task = BenchmarkFiles.ReadTask(benchmark);
        var ownNotes = journal.Where(j => j.Author == _agent.Id && j.Kind is not (JournalEntryKind.System or JournalEntryKind.Hypothesis))
            .TakeLast(5).ToList();
        var facts = new PromptFacts(benchmark, task, current, bestParameters, context.Best, _agent.Id, context.BudgetLeft)
        {
            RecentRejections = context.Turn?.RecentRejections ?? [],
        };
        string Render(long budget) => PromptBuilder.UserPrompt(facts, recent, recentJournal, ownNotes, Math.Max(256, budget));
        var messages = new List<ModelMessage> { new(ModelRole.System, system), new(ModelRole.User, Render(budgetForPrompt)) };

        long tokens = 0;
        ModelReply reply;
        try
        {
            reply = await AskAsync(context, ModelCallCodes.Text(ModelCallPurpose.Propose), messages, schema, context.TokensLeft, cancellationToken);
        }
        catch (ModelsUnavailableException ex)
        {
            return await FallbackAsync(context, ex.Failures, ex.TokensCharged, cancellationToken, retryNotice);
        }
        catch (ModelBudgetExceededException ex)
        {
            // The experiment's reservation cannot hold this prompt (code larger than the window allows): not a spent budget.
            return await FallbackAsync(context, [$"the prompt does not fit this experiment's token reservation ({ex.Message})"], 0, cancellationToken, retryNotice);
        }
        tokens += reply.TokensCharged;
        Interlocked.Exchange(ref _measuredPrompt, Math.Max(TokenEstimator.Estimate(messages), reply.PromptTokens));
        var notice = Join(retryNotice, RecoveredNotice(reply));

        var (proposal, problem, tried) = Interpret(reply, benchmark, originals, current, bestParameters);
        _structured?.RecordAnswer(reply.Endpoint, reply.Model, problem);
        if (problem is not null && !_settings.Repair)
            return Rejected(context, $"model answer rejected (no repair round: repair is off): {problem}", tokens, reply, tried, bestParameters, notice);
        if (problem is not null)
        {
            _logger.LogInformation("Model answer of agent {AgentId} could not be used ({Problem}); asking for one repair", _agent.Id, problem);
            // The repair carries the first answer and the problem: shrink the context so all of it still fits the window.
            var echo = reply.Text.Length > 0 ? reply.Text
                : reply.ToolCalls.Count > 0 ? string.Join("\n", reply.ToolCalls.Select(t => $"{t.Name}({t.ArgumentsJson})"))
                : "(empty answer)";
            var echoChars = (int)Math.Min(echo.Length, _maxOutputTokens * 3L);
            if (echo.Length > echoChars) echo = echo[..echoChars] + "\n[… rest of your answer cut]";
            messages[1] = new ModelMessage(ModelRole.User, Render(budgetForPrompt - TokenEstimator.Estimate(echo) - 128));
            messages.Add(new ModelMessage(ModelRole.Assistant, echo));
            messages.Add(new ModelMessage(ModelRole.User,
                $"Your answer could not be used: {problem}. Answer again in exactly the required form: the JSON object (hypothesis, rationale, expected_effect, parameters, edits), search/replace blocks in \"edits\" or after a ```json block if you change code."));
            try
            {
                reply = await AskAsync(context, ModelCallCodes.Text(ModelCallPurpose.Repair), messages, schema, context.TokensLeft - tokens, cancellationToken);
                tokens += reply.TokensCharged;
                (proposal, var second, var retried) = Interpret(reply, benchmark, originals, current, bestParameters);
                _structured?.RecordAnswer(reply.Endpoint, reply.Model, second);
                if (second is not null)
                {
                    return Rejected(context, $"model answer rejected after one repair round: {second} (first answer: {problem})", tokens, reply, retried ?? tried, bestParameters, notice);
                }
            }
            catch (ModelsUnavailableException ex)
            {
                return Rejected(context, $"model answer rejected: {problem}; the repair request found no model ({ex.Message})", tokens + ex.TokensCharged, reply, tried, bestParameters, notice);
            }
            catch (ModelBudgetExceededException ex)
            {
                return Rejected(context, $"model answer rejected: {problem}; no tokens left for a repair ({ex.Message})", tokens, reply, tried, bestParameters, notice);
            }
        }

        if (context.ExperimentId is { } id && proposal!.Rationale is { Length: > 0 } rationale) _rationales[id] = rationale;
        return proposal! with
        {
            Tokens = tokens,
            Notice = notice,
            Model = $"{reply.Endpoint} ({reply.Model})",
            ModelProblem = reply.FailedOver.Count > 0 ? $"{string.Join("; ", reply.FailedOver)}; {reply.Endpoint} answers" : null,
        };
    }

    public async Task<Reflection?> ReflectAsync(ReflectionContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (!_settings.Reflect || context.Experiment.Kind != ExperimentKind.Proposal || context.Experiment.Origin != ProposalOrigin.Model)
            return null;
        _rationales.TryRemove(context.Experiment.Id, out var rationale);
        var messages = PromptBuilder.Reflection(context.Benchmark, context.Experiment, context.BestBefore, rationale, _agent.Id);
        try
        {
            var reply = await _gateway.CompleteAsync(new ModelRequest
            {
                CampaignId = context.CampaignId,
                AgentId = context.AgentId,
                ExperimentId = context.Experiment.Id,
                Purpose = ModelCallCodes.Text(ModelCallPurpose.Reflect),
                Endpoints = _agent.Endpoints,
                Messages = messages,
                MaxOutputTokens = Math.Min(_maxOutputTokens, 512),
                Temperature = 0.3,
                TokenAllowance = context.TokensLeft,
            }, cancellationToken);
            var text = reply.Text.Trim();
            return text.Length == 0 ? new Reflection("", reply.TokensCharged) : new Reflection(text, reply.TokensCharged);
        }
        catch (Exception ex) when (ex is ModelsUnavailableException or ModelBudgetExceededException)
        {
            _logger.LogInformation("Agent {AgentId} wrote no model reflection on {ExperimentId}: {Reason}", _agent.Id, context.Experiment.Id, ex.Message);
            return ex is ModelsUnavailableException unavailable && unavailable.TokensCharged > 0 ? new Reflection("", unavailable.TokensCharged) : null;
        }
    }

    private Task<ModelReply> AskAsync(ProposalContext context, string purpose, IReadOnlyList<ModelMessage> messages, AnswerSchema schema, long? allowance, CancellationToken cancellationToken)
    {
        var request = new ModelRequest
        {
            CampaignId = context.CampaignId,
            AgentId = context.AgentId,
            ExperimentId = context.ExperimentId,
            Purpose = purpose,
            Endpoints = _agent.Endpoints,
            Messages = messages,
            MaxOutputTokens = _maxOutputTokens,
            Temperature = _settings.Temperature,
            TokenAllowance = allowance,
        };
        return _structured is { } structured ? structured.CompleteAsync(request, schema, cancellationToken) : _gateway.CompleteAsync(request, cancellationToken);
    }

    /// <summary>Validates a parsed answer against the benchmark and applies its edits to the current best code.</summary>
    private (Proposal? Proposal, string? Problem, ModelProposalReply? Parsed) Interpret(
        ModelReply reply, BenchmarkSpec benchmark, IReadOnlyDictionary<string, string> originals, IReadOnlyDictionary<string, string> current, ParameterSet bestParameters)
    {
        var parsed = ProposalReplyParser.Parse(reply, out var error);
        if (parsed is null) return (null, error, null);
        var (proposal, problem) = Check(parsed, benchmark, originals, current, bestParameters);
        return (proposal, problem, parsed);
    }

    private (Proposal? Proposal, string? Problem) Check(
        ModelProposalReply parsed, BenchmarkSpec benchmark, IReadOnlyDictionary<string, string> originals, IReadOnlyDictionary<string, string> current, ParameterSet bestParameters)
    {

        // The model's values are parsed here, once, against the benchmark's space; the rest of the way they are typed.
        var given = ProposalValidator.ParseParameters(benchmark, parsed.Parameters, requireAll: false, out var problems);
        if (problems.Count > 0) return (null, "invalid proposal: " + string.Join("; ", problems.Select(p => p.Message)));
        var parameters = benchmark.Defaults().With(bestParameters).With(given);

        var files = new Dictionary<string, string>(current, StringComparer.Ordinal);
        if (parsed.Edits.Length > 0)
        {
            var applied = CodeEdits.Apply(parsed.Edits, current, benchmark.Editable);
            if (applied.Problem is not null) return (null, applied.Problem);
            files = applied.Files;
        }

        var edited = files.Where(f => !originals.TryGetValue(f.Key, out var o) || o != f.Value).ToDictionary(f => f.Key, f => f.Value, StringComparer.Ordinal);
        var proposal = new Proposal
        {
            Parameters = parameters,
            EditedFiles = edited,
            Diff = edited.Count == 0 ? null : CodeEdits.Diff(originals, files),
            Hypothesis = parsed.Hypothesis,
            Rationale = parsed.Rationale,
            ExpectedEffect = parsed.ExpectedEffect,
            ProposerName = Name,
            Origin = ProposalOrigin.Model,
        };
        if (ProposalValidator.Validate(benchmark, proposal) is { } invalid) return (null, invalid);
        if (parsed.Parameters.Count == 0 && parsed.Edits.Length == 0)
            return (null, "the proposal changes nothing: name at least one parameter to change or give an edit block");
        if (parsed.Parameters.Count > 0 && parsed.Edits.Length == 0 && parameters.All(kv => bestParameters.Get(kv.Key) == kv.Value) && edited.SequenceEqual(current.Where(c => !originals.TryGetValue(c.Key, out var o) || o != c.Value)))
            return (null, "the proposal repeats the current best: change a parameter value or the code");
        return (proposal, null);
    }

    /// <summary>
    /// A value the model gave for a declared parameter, typed: parsed against the space when it fits, else kept as given
    /// (a rejected proposal records what was tried, even a value outside the space).
    /// </summary>
    private static ParameterValue TriedValue(ParameterSpec spec, string value) =>
        ParameterValue.TryParse(spec, value, out var typed, out _) ? typed : ParameterValue.FromStored(value);

    /// <summary>
    /// A proposal refused before it runs. It describes what the model proposed (its hypothesis, the parameters it changed
    /// against the best, the files its edits touched, or the start of an answer that could not be read) and why it was
    /// refused; its parameters are the rejected proposal's (merged over the best), never the best's alone as if they had failed.
    /// </summary>
    private Proposal Rejected(ProposalContext context, string reason, long tokens, ModelReply? reply, ModelProposalReply? tried,
        ParameterSet bestParameters, string? notice)
    {
        var parameters = context.Benchmark.Defaults().With(bestParameters);
        string what;
        if (tried is not null)
        {
            parameters = parameters.With(tried.Parameters
                .Select(kv => (Spec: context.Benchmark.Parameters.FirstOrDefault(p => p.Name == kv.Key), kv.Value))
                .Where(t => t.Spec is not null)
                .Select(t => KeyValuePair.Create(t.Spec!.Name, TriedValue(t.Spec, t.Value))));
            var changed = tried.Parameters.Where(kv => bestParameters.Get(kv.Key)?.Text != kv.Value)
                .Select(kv => $"{kv.Key} {bestParameters.Get(kv.Key)?.Text ?? "?"}→{kv.Value}").ToList();
            var files = EditParser.Parse(tried.Edits).Edits.Select(e => e.Path).Distinct(StringComparer.Ordinal).ToList();
            what = $"The rejected proposal: \"{tried.Hypothesis}\"; " +
                   (changed.Count > 0 ? $"parameters against the best: {string.Join(", ", changed)}" : "no parameter change") +
                   (tried.Edits.Length > 0 ? $"; edits to {(files.Count > 0 ? string.Join(", ", files) : "unreadable files")} (not applied)" : "") + ".";
        }
        else
        {
            var answer = reply is null ? "" : reply.Text.Length > 0 ? reply.Text : string.Join(" ", reply.ToolCalls.Select(t => $"{t.Name}({t.ArgumentsJson})"));
            what = $"The answer could not be read as a proposal; it began: \"{UntrustedText.OneLine(answer, 160)}\".";
        }
        var by = reply is null ? "" : $" (model {reply.Endpoint}, {reply.Model})";
        return new Proposal
        {
            Parameters = parameters,
            Hypothesis = tried?.Hypothesis ?? "",
            Rationale = tried?.Rationale is { Length: > 0 } r ? r : null,
            ProposerName = Name,
            Origin = ProposalOrigin.Model,
            Rejection = $"{reason}{by}. {what}",
            Tokens = tokens,
            Notice = notice,
            Model = reply is null ? null : $"{reply.Endpoint} ({reply.Model})",
            ModelProblem = reply is { FailedOver.Count: > 0 } ? $"{string.Join("; ", reply.FailedOver)}; {reply.Endpoint} answers" : null,
        };
    }

    /// <summary>
    /// A turn that goes to the fallback optimizer because the model's recent answers were rejected (<see cref="ModelTurnPolicy"/>):
    /// no model call; the first turn of a back-off (or of the used-up allowance) carries the journal's notice.
    /// </summary>
    private async Task<Proposal> BackOffAsync(ProposalContext context, ModelTurn turn, CancellationToken cancellationToken)
    {
        var c = CultureInfo.InvariantCulture;
        var last = turn.RecentRejections.Count > 0 ? UntrustedText.OneLine(turn.RecentRejections[^1], 240) : "no reason recorded";
        var exhausted = turn.Kind == ModelTurnKind.Exhausted;
        string? notice = !turn.Starts || !Announce(turn) ? null : exhausted
            ? string.Create(c, $"{turn.Rejections} proposals rejected before running (last: {last}) use up my allowance of {turn.MaxRejections} (max_rejections); the rest of my turns go to the built-in {_fallback.Name} optimizer and the model is not asked again.")
            : string.Create(c, $"{turn.Consecutive} consecutive rejections (last: {last}); the next {turn.BackOffSpan} turns go to the built-in {_fallback.Name} optimizer; the model is asked again after that (rejections so far: {turn.Rejections} of {turn.MaxRejections} allowed).");
        _logger.LogInformation("Agent {AgentId}: {Kind} after {Rejections} rejected proposals; {Fallback} proposes", _agent.Id, turn.Kind, turn.Rejections, _fallback.Name);
        var proposal = await _fallback.ProposeAsync(context, cancellationToken);
        var name = exhausted ? FallbackProposals.ExhaustedName(_fallback.Name) : FallbackProposals.BackOffName(_fallback.Name);
        return proposal with
        {
            ProposerName = name,
            Origin = exhausted ? ProposalOrigin.RejectionsUsedUp : ProposalOrigin.BackOff,
            Notice = notice,
            ModelProblem = exhausted
                ? string.Create(c, $"{turn.Rejections} proposals rejected (allowance {turn.MaxRejections} used up); {name} proposes")
                : string.Create(c, $"{turn.Consecutive} rejections in a row; {name} proposes for {turn.BackOffTurnsLeft} more turn(s)"),
            Hypothesis = proposal.Hypothesis.Length > 0 ? proposal.Hypothesis : $"{_fallback.Name} proposes while the model's answers are rejected",
        };
    }

    /// <summary>True the first time a turn's change (back-off, retry, used-up allowance) is seen: concurrent workers tell it once.</summary>
    private bool Announce(ModelTurn turn)
    {
        var key = (turn.Kind, turn.BackOffs);
        lock (_rationales)
        {
            if (_announced == key) return false;
            _announced = key;
            return true;
        }
    }

    private (ModelTurnKind, int)? _announced;

    private static string? Join(string? a, string? b) => a is null ? b : b is null ? a : $"{a} {b}";

    private async Task<Proposal> FallbackAsync(ProposalContext context, IReadOnlyList<string> failures, long tokensCharged, CancellationToken cancellationToken, string? earlier = null)
    {
        string? notice = null;
        if (!_outage)
        {
            _outage = true;
            _answering = null;
            notice = $"No model answered ({string.Join("; ", failures)}); proposing with the built-in {_fallback.Name} optimizer until a model answers again.";
        }
        _logger.LogWarning("Agent {AgentId}: no model answered; {Fallback} proposes instead: {Failures}", _agent.Id, _fallback.Name, string.Join("; ", failures));
        var proposal = await _fallback.ProposeAsync(context, cancellationToken);
        var name = FallbackProposals.ProposerName(_fallback.Name);
        return proposal with
        {
            ProposerName = name,
            Origin = ProposalOrigin.Fallback,
            Tokens = proposal.Tokens + tokensCharged,
            Notice = Join(earlier, notice),
            ModelProblem = FallbackProposals.Problem(name),
            Hypothesis = proposal.Hypothesis.Length > 0 ? proposal.Hypothesis : $"{_fallback.Name} fallback while no model answers",
        };
    }

    /// <summary>A journal notice when the answering endpoint changes (failover, recovery); null while nothing changed.</summary>
    private string? RecoveredNotice(ModelReply reply)
    {
        var previous = _answering;
        _answering = reply.Endpoint;
        if (_outage)
        {
            _outage = false;
            return $"A model answers again ({reply.Endpoint}); back to model proposals." +
                   (reply.FailedOver.Count > 0 ? $" Not answering: {string.Join("; ", reply.FailedOver)}." : "");
        }
        if (previous == reply.Endpoint || (previous is null && reply.FailedOver.Count == 0)) return null;
        return reply.FailedOver.Count > 0
            ? $"Failing over to model {reply.Endpoint}: {string.Join("; ", reply.FailedOver)}."
            : $"Model {reply.Endpoint} answers again.";
    }
}
