using System.ClientModel;
using System.ClientModel.Primitives;
using System.Diagnostics;
using System.Text.Json;
using AutoResearch.Abstractions.Experiments;
using AutoResearch.Abstractions.Models;
using AutoResearch.Abstractions.Ports;
using Azure.AI.OpenAI;
using Azure.Identity;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.SemanticKernel;
using Microsoft.SemanticKernel.ChatCompletion;
using Microsoft.SemanticKernel.Connectors.AzureOpenAI;
using Microsoft.SemanticKernel.Connectors.OpenAI;
using OpenAI;
using OpenAI.Chat;
using Polly;
using Polly.Retry;

namespace AutoResearch.Models;

/// <summary>
/// <see cref="IModelGateway"/> over Semantic Kernel's OpenAI and Azure OpenAI connectors: one chat-completion service per
/// configured endpoint (OpenAI, Azure OpenAI on its deployment path, any OpenAI-compatible server), Polly retries with exponential backoff and jitter on
/// 429/5xx/timeouts/unreadable answers (honouring Retry-After), failover down the request's endpoint list, a cool-down for
/// endpoints that failed every retry, and one <see cref="ModelCallRecord"/> in the ledger per attempt. Keys are read from
/// the environment or a secret file when a service is first built and are never logged or recorded.
/// </summary>
public sealed class SemanticKernelModelGateway : IStructuredModelGateway
{
    private readonly ModelOptions _options;
    private readonly ILedger _ledger;
    private readonly TimeProvider _time;
    private readonly ILoggerFactory _loggerFactory;
    private readonly ILogger<SemanticKernelModelGateway> _logger;
    private readonly Lock _gate = new();
    private readonly Dictionary<string, IChatCompletionService> _services = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _keys = new(StringComparer.Ordinal);
    private readonly Dictionary<string, EndpointHealth> _health = new(StringComparer.Ordinal);
    private readonly Dictionary<string, StructuredOutputMode> _modes = new(StringComparer.Ordinal);
    private readonly Dictionary<string, EndpointAnswerStats> _answers = new(StringComparer.Ordinal);
    private readonly ResiliencePipeline<AttemptResult> _retry;

    public SemanticKernelModelGateway(IOptions<ModelOptions> options, ILedger ledger, TimeProvider time, ILoggerFactory loggerFactory)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options.Value;
        _ledger = ledger;
        _time = time;
        _loggerFactory = loggerFactory;
        _logger = loggerFactory.CreateLogger<SemanticKernelModelGateway>();
        _retry = BuildRetry(_options, time);
    }

    public IReadOnlyCollection<string> Endpoints => _options.Endpoints.Keys;

    public IReadOnlyList<string> Outages
    {
        get
        {
            lock (_gate)
            {
                return [.. _health.Where(h => h.Value.DownSince is not null)
                    .OrderBy(h => h.Key, StringComparer.Ordinal)
                    .Select(h => $"{h.Key}: down since {h.Value.DownSince:HH:mm:ss} ({h.Value.LastFailure})")];
            }
        }
    }

    public string? WhyNotUsable(string endpoint)
    {
        if (!_options.Endpoints.TryGetValue(endpoint, out var e))
        {
            var known = _options.Endpoints.Count == 0 ? "none is configured (AutoResearch:Models:Endpoints)" : "configured: " + string.Join(", ", _options.Endpoints.Keys.Order(StringComparer.Ordinal));
            return $"model endpoint '{endpoint}' is not configured; {known}";
        }
        if (e.KeyRequired && ApiKeys.Resolve(e) is null)
            return $"model endpoint '{endpoint}' needs an API key: {ApiKeys.Describe(e)}";
        return null;
    }

    public Task<ModelReply> CompleteAsync(ModelRequest request, CancellationToken cancellationToken) => CompleteAsync(request, null, cancellationToken);

    public IReadOnlyList<EndpointAnswerStats> AnswerStats
    {
        get
        {
            lock (_gate)
            {
                return [.. _options.Endpoints.Keys.Union(_answers.Keys).Order(StringComparer.Ordinal).Select(name =>
                {
                    var mode = Describe(ModeOf(name));
                    return _answers.TryGetValue(name, out var stats)
                        ? stats with { StructuredOutput = mode }
                        : new EndpointAnswerStats(name, _options.Endpoints.GetValueOrDefault(name)?.Model ?? "", mode, 0, 0, null);
                })];
            }
        }
    }

    public void RecordAnswer(string endpoint, string model, string? problem)
    {
        lock (_gate)
        {
            var stats = _answers.GetValueOrDefault(endpoint) ?? new EndpointAnswerStats(endpoint, model, "", 0, 0, null);
            _answers[endpoint] = problem is null
                ? stats with { Answers = stats.Answers + 1 }
                : stats with { Answers = stats.Answers + 1, Rejected = stats.Rejected + 1, LastProblem = problem.Length > 300 ? problem[..300] + "…" : problem };
        }
    }

    /// <summary>How <paramref name="name"/> is asked for structured answers now; guarded by the lock.</summary>
    private StructuredOutputMode ModeOf(string name) =>
        _modes.TryGetValue(name, out var mode) ? mode : _options.Endpoints.GetValueOrDefault(name)?.FirstStructuredMode ?? StructuredOutputMode.JsonSchema;

    private static string Describe(StructuredOutputMode mode) => mode switch
    {
        StructuredOutputMode.JsonSchema => "json_schema",
        StructuredOutputMode.ToolCall => "tool call",
        _ => "prompt only",
    };

    public async Task<ModelReply> CompleteAsync(ModelRequest request, AnswerSchema? schema, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Endpoints.Count == 0) throw new ArgumentException("The request names no model endpoint.", nameof(request));
        var failures = new List<string>();
        long charged = 0;
        var attempts = 0;
        foreach (var name in request.Endpoints)
        {
            if (WhyNotUsable(name) is { } unusable)
            {
                failures.Add($"{name}: {unusable}");
                continue;
            }
            var endpoint = _options.Endpoints[name];
            var maxOutput = request.MaxOutputTokens > 0 ? Math.Min(request.MaxOutputTokens, endpoint.MaxOutputTokens) : endpoint.MaxOutputTokens;
            var promptEstimate = TokenEstimator.Estimate(request.Messages);
            if (promptEstimate + maxOutput > endpoint.ContextTokens)
            {
                // Leave the answer what the window has left; too little left means this endpoint cannot take the request.
                var room = (int)Math.Min(int.MaxValue, endpoint.ContextTokens - promptEstimate);
                if (room < Math.Min(256, maxOutput))
                {
                    failures.Add($"{name}: the prompt (about {promptEstimate} tokens) does not fit its context window of {endpoint.ContextTokens}");
                    continue;
                }
                maxOutput = room;
            }
            var estimate = promptEstimate + maxOutput;
            if (request.TokenAllowance is { } allowance && estimate > allowance - charged)
            {
                await RecordAsync(request, name, endpoint, ModelCallOutcome.Refused, 0, 0, TimeSpan.Zero, $"estimate {estimate} tokens > {allowance - charged} left");
                throw new ModelBudgetExceededException(estimate, Math.Max(0, allowance - charged));
            }
            if (CoolingDown(name) is { } down)
            {
                failures.Add($"{name}: skipped, {down}");
                continue;
            }

            var tries = 0;
            var outcome = await _retry.ExecuteAsync(async token =>
            {
                tries++;
                attempts++;
                var result = await AttemptAsync(request, schema, name, endpoint, maxOutput, token);
                if (result.Reply is { } reply) charged += reply.TotalTokens;
                return result;
            }, cancellationToken);

            if (outcome.Reply is { } answer)
            {
                MarkUp(name);
                if (request.TokenAllowance is { } limit && charged > limit)
                    _logger.LogWarning("Model {Endpoint} used {Charged} tokens for {Purpose} of agent {AgentId}, more than the {Allowance} allowed (the estimate was low)",
                        name, charged, request.Purpose, request.AgentId, limit);
                return answer with { Attempts = attempts, FailedOver = failures, TokensCharged = charged };
            }
            var failure = outcome.Failure!;
            var line = tries > 1 ? $"{failure.Description} ×{tries}" : failure.Description;
            // An endpoint is down when it kept failing transiently or refuses us (key, model, URL); a request it rejects
            // (400, 413, 422: e.g. a prompt too long, a content filter) fails over for this request only.
            if (failure.Transient || failure.StatusCode is 401 or 403 or 404) MarkDown(name, line);
            failures.Add($"{name}: {line}");
            _logger.LogWarning("Model endpoint {Endpoint} gave up after {Tries} attempt(s): {Failure}; {Next}",
                name, tries, failure.Description, name == request.Endpoints[^1] ? "no endpoint left" : "failing over");
        }
        throw new ModelsUnavailableException(failures, charged);
    }

    private async Task<AttemptResult> AttemptAsync(ModelRequest request, AnswerSchema? schema, string name, ModelEndpointOptions endpoint, int maxOutput, CancellationToken cancellationToken)
    {
        var service = ServiceFor(name, endpoint);
        var history = new ChatHistory();
        foreach (var message in request.Messages)
        {
            history.AddMessage(message.Role switch
            {
                ModelRole.System => AuthorRole.System,
                ModelRole.Assistant => AuthorRole.Assistant,
                _ => AuthorRole.User,
            }, message.Content);
        }
        while (true)
        {
            StructuredOutputMode? mode = null;
            if (schema is not null)
            {
                lock (_gate)
                {
                    mode = ModeOf(name);
                }
            }
            var settings = Settings(endpoint, maxOutput, request.Temperature, schema, mode);
            using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            limit.CancelAfter(endpoint.Timeout);
            var watch = Stopwatch.StartNew();
            try
            {
                var content = await service.GetChatMessageContentAsync(history, settings, kernel: null, limit.Token);
                watch.Stop();
                var toolCalls = ToolCallsOf(content);
                var text = content.Content ?? "";
                var (prompt, completion, estimated) = UsageOf(content, request.Messages, text);
                await RecordAsync(request, name, endpoint, ModelCallOutcome.Ok, prompt, completion, watch.Elapsed, estimated ? "usage missing from the answer; tokens estimated" : null);
                _logger.LogInformation("Model {Endpoint} ({Model}) answered {Purpose} for agent {AgentId}: {PromptTokens}+{CompletionTokens} tokens in {LatencyMs:F0} ms",
                    name, endpoint.Model, request.Purpose, request.AgentId, prompt, completion, watch.Elapsed.TotalMilliseconds);
                return new AttemptResult(new ModelReply
                {
                    Text = text,
                    ToolCalls = toolCalls,
                    Endpoint = name,
                    Model = endpoint.Model,
                    PromptTokens = prompt,
                    CompletionTokens = completion,
                    UsageEstimated = estimated,
                }, null);
            }
            catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
            {
                watch.Stop();
                var failure = FailureClassifier.Classify(ex, limit.IsCancellationRequested);
                var description = ApiKeys.Scrub(ScrubUsedKey(name, failure.Description), endpoint);
                failure = failure with { Description = description };
                if (mode is { } refused && refused != StructuredOutputMode.Prompt && RefusesFormat(failure))
                {
                    // The server does not take this way of asking for structure: step down, remember it, ask again at once.
                    var next = refused + 1;
                    lock (_gate)
                    {
                        _modes[name] = next;
                    }
                    var line = $"{description}: {Describe(refused)} refused; asking with {Describe(next)} from now on";
                    await RecordAsync(request, name, endpoint, ModelCallOutcome.Retry, 0, 0, watch.Elapsed, line);
                    _logger.LogWarning("Model {Endpoint} ({Model}) refused structured output by {Refused}: {Failure}; using {Next} from now on",
                        name, endpoint.Model, Describe(refused), description, Describe(next));
                    continue;
                }
                await RecordAsync(request, name, endpoint, failure.Transient ? ModelCallOutcome.Retry : ModelCallOutcome.Failed, 0, 0, watch.Elapsed, description);
                _logger.LogWarning("Model {Endpoint} ({Model}) failed {Purpose} for agent {AgentId}: {Failure}",
                    name, endpoint.Model, request.Purpose, request.AgentId, description);
                return new AttemptResult(null, failure);
            }
        }
    }

    /// <summary>
    /// The call's settings: the answer's length and temperature, and the structured-output request of <paramref name="mode"/>
    /// (Azure gets its own settings type so that nothing is lost converting them).
    /// </summary>
    private static OpenAIPromptExecutionSettings Settings(ModelEndpointOptions endpoint, int maxOutput, double? temperature, AnswerSchema? schema, StructuredOutputMode? mode)
    {
        OpenAIPromptExecutionSettings settings = endpoint.UsesAzureSdk
            ? new AzureOpenAIPromptExecutionSettings { MaxTokens = maxOutput, Temperature = temperature }
            : new OpenAIPromptExecutionSettings { MaxTokens = maxOutput, Temperature = temperature };
        if (schema is null) return settings;
        switch (mode)
        {
            case StructuredOutputMode.JsonSchema:
                settings.ResponseFormat = ChatResponseFormat.CreateJsonSchemaFormat(schema.Name, BinaryData.FromString(schema.JsonSchema), schema.Description, schema.Strict);
                break;
            case StructuredOutputMode.ToolCall:
                settings.FunctionChoiceBehavior = FunctionChoiceBehavior.Required([AnswerTool(schema)], autoInvoke: false);
                break;
        }
        return settings;
    }

    /// <summary>A function that is never invoked: its parameters are the schema's properties, so the model answers by calling it.</summary>
    private static KernelFunction AnswerTool(AnswerSchema schema)
    {
        using var document = JsonDocument.Parse(schema.JsonSchema);
        var root = document.RootElement;
        var required = root.TryGetProperty("required", out var r) && r.ValueKind == JsonValueKind.Array
            ? r.EnumerateArray().Select(e => e.GetString()).OfType<string>().ToHashSet(StringComparer.Ordinal)
            : [];
        var parameters = root.TryGetProperty("properties", out var properties) && properties.ValueKind == JsonValueKind.Object
            ? properties.EnumerateObject().Select(p => new KernelParameterMetadata(p.Name)
            {
                Description = p.Value.TryGetProperty("description", out var d) && d.ValueKind == JsonValueKind.String ? d.GetString() : null,
                IsRequired = required.Contains(p.Name),
                Schema = KernelJsonSchema.Parse(p.Value.GetRawText()),
            }).ToList()
            : [];
        return KernelFunctionFactory.CreateFromMethod(() => "", new KernelFunctionFromMethodOptions
        {
            FunctionName = schema.Name,
            Description = schema.Description,
            Parameters = parameters,
        });
    }

    /// <summary>
    /// A 400/422 that names the structured-output request (or says nothing): the server does not support it. Other refusals
    /// (a prompt too long, a content filter) say what they are about and are failures as before.
    /// </summary>
    private static bool RefusesFormat(AttemptFailure failure)
    {
        if (failure.StatusCode is not (400 or 422)) return false;
        var open = failure.Description.IndexOf('(', StringComparison.Ordinal);
        if (open < 0) return true;
        var message = failure.Description[open..];
        string[] hints = ["response_format", "json_schema", "schema", "structured", "guided", "grammar", "tool", "function", "not supported", "unsupported", "unrecognized", "unknown field", "not allowed", "extra inputs", "extra fields"];
        return hints.Any(h => message.Contains(h, StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>The answer's tool calls with their arguments exactly as sent (SK turns nested arguments into strings); SK's reading otherwise.</summary>
    private static List<ModelToolCall> ToolCallsOf(Microsoft.SemanticKernel.ChatMessageContent content)
    {
        if (content.InnerContent is ChatCompletion { ToolCalls.Count: > 0 } completion)
            return [.. completion.ToolCalls.Select(t => new ModelToolCall(t.FunctionName, t.FunctionArguments?.ToString() ?? "{}"))];
        return [.. content.Items.OfType<FunctionCallContent>()
            .Select(f => new ModelToolCall(f.FunctionName, JsonSerializer.Serialize(f.Arguments?.ToDictionary(a => a.Key, a => a.Value) ?? [])))];
    }

    /// <summary>Prompt and completion tokens from the answer's usage; estimated when the server sent none.</summary>
    private static (long Prompt, long Completion, bool Estimated) UsageOf(Microsoft.SemanticKernel.ChatMessageContent content, IReadOnlyList<ModelMessage> messages, string text)
    {
        if (content.Metadata is { } metadata && metadata.TryGetValue("Usage", out var usage) && usage is ChatTokenUsage tokens
            && tokens.InputTokenCount + tokens.OutputTokenCount > 0)
        {
            return (tokens.InputTokenCount, tokens.OutputTokenCount, false);
        }
        return (TokenEstimator.Estimate(messages), TokenEstimator.Estimate(text), true);
    }

    /// <summary><paramref name="text"/> without the key the endpoint's cached client was built with (it may have been rotated since).</summary>
    private string ScrubUsedKey(string name, string text)
    {
        lock (_gate)
        {
            return _keys.TryGetValue(name, out var used) && used.Length >= 4 ? text.Replace(used, "***", StringComparison.Ordinal) : text;
        }
    }

    private IChatCompletionService ServiceFor(string name, ModelEndpointOptions endpoint)
    {
        var key = endpoint.UsesEntraId ? "entra" : ApiKeys.Resolve(endpoint) ?? "none";
        lock (_gate)
        {
            // A rotated key (new secret file contents, new variable value) gets a new client.
            if (_services.TryGetValue(name, out var existing) && _keys.GetValueOrDefault(name) == key) return existing;
            _keys[name] = key;
            var service = endpoint.UsesAzureSdk ? AzureService(endpoint, key) : OpenAIService(endpoint, key);
            _services[name] = service;
            return service;
        }
    }

    private IChatCompletionService OpenAIService(ModelEndpointOptions endpoint, string key)
    {
        var client = new OpenAIClient(new ApiKeyCredential(key), new OpenAIClientOptions
        {
            Endpoint = endpoint.EffectiveBaseUrl,
            // Retries are ours (Polly), so the SDK must not retry on its own; our timeout cancels first.
            RetryPolicy = new ClientRetryPolicy(0),
            NetworkTimeout = endpoint.Timeout + TimeSpan.FromSeconds(5),
        });
        return new OpenAIChatCompletionService(endpoint.Model, client, _loggerFactory);
    }

    /// <summary>Azure OpenAI through its own SDK: <c>{resource}/openai/deployments/{deployment}/chat/completions?api-version=…</c>.</summary>
    private IChatCompletionService AzureService(ModelEndpointOptions endpoint, string key)
    {
        var options = endpoint.ApiVersion is { Length: > 0 } label && AzureApiVersions.Parse(label) is { } version
            ? new AzureOpenAIClientOptions(version)
            : new AzureOpenAIClientOptions();
        options.RetryPolicy = new ClientRetryPolicy(0);
        options.NetworkTimeout = endpoint.Timeout + TimeSpan.FromSeconds(5);
        var resource = endpoint.EffectiveBaseUrl ?? throw new InvalidOperationException("An Azure endpoint needs its resource URL as BaseUrl.");
        var client = endpoint.UsesEntraId
            ? new AzureOpenAIClient(resource, new DefaultAzureCredential(), options)
            : new AzureOpenAIClient(resource, new ApiKeyCredential(key), options);
        return new AzureOpenAIChatCompletionService(endpoint.EffectiveDeployment, client, endpoint.Model, _loggerFactory);
    }

    private string? CoolingDown(string name)
    {
        lock (_gate)
        {
            if (!_health.TryGetValue(name, out var h) || h.RetryAfter is not { } until) return null;
            return _time.GetUtcNow() < until ? $"down since {h.DownSince:HH:mm:ss} ({h.LastFailure}), next try after {until:HH:mm:ss}" : null;
        }
    }

    private void MarkUp(string name)
    {
        lock (_gate)
        {
            _health.Remove(name);
        }
    }

    private void MarkDown(string name, string failure)
    {
        lock (_gate)
        {
            if (!_health.TryGetValue(name, out var h)) _health[name] = h = new EndpointHealth();
            var now = _time.GetUtcNow();
            h.DownSince ??= now;
            h.RetryAfter = now + _options.Cooldown;
            h.LastFailure = failure;
            h.ConsecutiveFailures++;
        }
    }

    private async Task RecordAsync(ModelRequest request, string name, ModelEndpointOptions endpoint, ModelCallOutcome outcome, long prompt, long completion, TimeSpan latency, string? error)
    {
        try
        {
            await _ledger.RecordModelCallAsync(new ModelCallRecord
            {
                Id = Guid.NewGuid().ToString("N"),
                CampaignId = request.CampaignId,
                AgentId = request.AgentId,
                ExperimentId = request.ExperimentId,
                Provider = name,
                Model = endpoint.Model,
                Purpose = request.Purpose,
                PromptTokens = prompt,
                CompletionTokens = completion,
                LatencyMs = latency.TotalMilliseconds,
                Outcome = ModelCallCodes.Text(outcome),
                Error = error,
                At = _time.GetUtcNow(),
            }, CancellationToken.None);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            _logger.LogError(ex, "Could not record a model call of agent {AgentId} to {Endpoint}", request.AgentId, name);
        }
    }

    private static ResiliencePipeline<AttemptResult> BuildRetry(ModelOptions options, TimeProvider time)
    {
        var builder = new ResiliencePipelineBuilder<AttemptResult> { TimeProvider = time };
        if (options.MaxRetries > 0)
        {
            builder.AddRetry(new RetryStrategyOptions<AttemptResult>
            {
                MaxRetryAttempts = options.MaxRetries,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = options.RetryBaseDelay,
                MaxDelay = options.MaxRetryDelay,
                ShouldHandle = args => ValueTask.FromResult(args.Outcome.Result?.Failure is { Transient: true }),
                DelayGenerator = args => ValueTask.FromResult(
                    args.Outcome.Result?.Failure?.RetryAfter is { } after ? (TimeSpan?)(after < options.MaxRetryDelay ? after : options.MaxRetryDelay) : null),
            });
        }
        return builder.Build();
    }
}
