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
public sealed class SemanticKernelModelGateway : IModelGateway
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

    public async Task<ModelReply> CompleteAsync(ModelRequest request, CancellationToken cancellationToken)
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
                await RecordAsync(request, name, endpoint, "refused", 0, 0, TimeSpan.Zero, $"estimate {estimate} tokens > {allowance - charged} left");
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
                var result = await AttemptAsync(request, name, endpoint, maxOutput, token);
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

    private async Task<AttemptResult> AttemptAsync(ModelRequest request, string name, ModelEndpointOptions endpoint, int maxOutput, CancellationToken cancellationToken)
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
        var settings = new OpenAIPromptExecutionSettings { MaxTokens = maxOutput, Temperature = request.Temperature };
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(endpoint.Timeout);
        var watch = Stopwatch.StartNew();
        try
        {
            var content = await service.GetChatMessageContentAsync(history, settings, kernel: null, limit.Token);
            watch.Stop();
            var toolCalls = content.Items.OfType<FunctionCallContent>()
                .Select(f => new ModelToolCall(f.FunctionName, JsonSerializer.Serialize(f.Arguments?.ToDictionary(a => a.Key, a => a.Value) ?? [])))
                .ToList();
            var text = content.Content ?? "";
            var (prompt, completion, estimated) = UsageOf(content, request.Messages, text);
            await RecordAsync(request, name, endpoint, "ok", prompt, completion, watch.Elapsed, estimated ? "usage missing from the answer; tokens estimated" : null);
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
            await RecordAsync(request, name, endpoint, failure.Transient ? "retry" : "failed", 0, 0, watch.Elapsed, description);
            _logger.LogWarning("Model {Endpoint} ({Model}) failed {Purpose} for agent {AgentId}: {Failure}",
                name, endpoint.Model, request.Purpose, request.AgentId, description);
            return new AttemptResult(null, failure);
        }
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

    private async Task RecordAsync(ModelRequest request, string name, ModelEndpointOptions endpoint, string outcome, long prompt, long completion, TimeSpan latency, string? error)
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
                Outcome = outcome,
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
