using System.Globalization;

namespace AutoResearch.Testing.OpenAi;

/// <summary>
/// One scripted answer of <see cref="ScriptedOpenAiServer"/> to one chat-completions request. Immutable; build with the static factories.
/// </summary>
public sealed class ScriptedReply
{
    private ScriptedReply(ScriptedReplyKind kind) => Kind = kind;

    /// <summary>What the server answers.</summary>
    public ScriptedReplyKind Kind { get; }

    /// <summary>Assistant text for <see cref="ScriptedReplyKind.Text"/> and <see cref="ScriptedReplyKind.NoUsage"/>.</summary>
    public string? Content { get; private init; }

    /// <summary>The <c>finish_reason</c> of a text reply (<c>stop</c> unless given, e.g. <c>length</c>).</summary>
    public string FinishReason { get; private init; } = "stop";

    /// <summary>Function name of a <see cref="ScriptedReplyKind.ToolCall"/> reply (Semantic Kernel advertises <c>plugin-function</c>).</summary>
    public string? FunctionName { get; private init; }

    /// <summary>JSON text of the function arguments of a tool call, sent as the <c>arguments</c> string.</summary>
    public string? ArgumentsJson { get; private init; }

    /// <summary>The <c>id</c> of the tool call; generated (<c>call_N</c>) when null.</summary>
    public string? ToolCallId { get; private init; }

    /// <summary><c>usage.prompt_tokens</c> of a text or tool-call reply.</summary>
    public int PromptTokens { get; private init; }

    /// <summary><c>usage.completion_tokens</c> of a text or tool-call reply.</summary>
    public int CompletionTokens { get; private init; }

    /// <summary>HTTP status of a <see cref="ScriptedReplyKind.Status"/> reply.</summary>
    public int StatusCode { get; private init; } = 200;

    /// <summary><c>error.message</c> of a status reply.</summary>
    public string? ErrorMessage { get; private init; }

    /// <summary><c>error.type</c> of a status reply.</summary>
    public string? ErrorType { get; private init; }

    /// <summary><c>error.code</c> of a status reply (null is sent as JSON null).</summary>
    public string? ErrorCode { get; private init; }

    /// <summary>When set, a status reply carries <c>Retry-After</c> (whole seconds, rounded up) and <c>retry-after-ms</c>.</summary>
    public double? RetryAfterSeconds { get; private init; }

    /// <summary>How long a <see cref="ScriptedReplyKind.Delay"/> reply waits.</summary>
    public TimeSpan DelayBy { get; private init; }

    /// <summary>What a <see cref="ScriptedReplyKind.Delay"/> reply answers after waiting.</summary>
    public ScriptedReply? Then { get; private init; }

    /// <summary>The verbatim body of a <see cref="ScriptedReplyKind.Malformed"/> reply.</summary>
    public string? RawBody { get; private init; }

    /// <summary>A successful text completion with usage.</summary>
    /// <param name="content">The assistant message content.</param>
    /// <param name="promptTokens"><c>usage.prompt_tokens</c>.</param>
    /// <param name="completionTokens"><c>usage.completion_tokens</c>; <c>total_tokens</c> is the sum.</param>
    /// <param name="finishReason">The <c>finish_reason</c>, <c>stop</c> by default (<c>length</c> for a truncated answer).</param>
    public static ScriptedReply Text(string content, int promptTokens = 10, int completionTokens = 5, string finishReason = "stop")
    {
        ArgumentNullException.ThrowIfNull(content);
        ArgumentException.ThrowIfNullOrEmpty(finishReason);
        ArgumentOutOfRangeException.ThrowIfNegative(promptTokens);
        ArgumentOutOfRangeException.ThrowIfNegative(completionTokens);
        return new(ScriptedReplyKind.Text)
        {
            Content = content,
            PromptTokens = promptTokens,
            CompletionTokens = completionTokens,
            FinishReason = finishReason,
        };
    }

    /// <summary>A completion whose assistant message calls one function tool (content null, finish reason <c>tool_calls</c>).</summary>
    /// <param name="functionName">The tool's function name as advertised; Semantic Kernel advertises <c>plugin-function</c>.</param>
    /// <param name="argumentsJson">The arguments, a JSON object as text (sent as a string, as OpenAI does).</param>
    /// <param name="promptTokens"><c>usage.prompt_tokens</c>.</param>
    /// <param name="completionTokens"><c>usage.completion_tokens</c>.</param>
    /// <param name="toolCallId">The tool call id; <c>call_N</c> when null.</param>
    public static ScriptedReply ToolCall(string functionName, string argumentsJson = "{}", int promptTokens = 10, int completionTokens = 5, string? toolCallId = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(functionName);
        ArgumentNullException.ThrowIfNull(argumentsJson);
        ArgumentOutOfRangeException.ThrowIfNegative(promptTokens);
        ArgumentOutOfRangeException.ThrowIfNegative(completionTokens);
        return new(ScriptedReplyKind.ToolCall)
        {
            FunctionName = functionName,
            ArgumentsJson = argumentsJson,
            PromptTokens = promptTokens,
            CompletionTokens = completionTokens,
            ToolCallId = toolCallId,
        };
    }

    /// <summary>
    /// An HTTP error with the OpenAI error body <c>{"error":{"message","type","param":null,"code"}}</c>.
    /// Type and code default from the status: 429 <c>requests</c>/<c>rate_limit_exceeded</c>, 401 <c>invalid_request_error</c>/<c>invalid_api_key</c>,
    /// other 4xx <c>invalid_request_error</c>/null, 5xx <c>server_error</c>/null.
    /// </summary>
    /// <param name="statusCode">The HTTP status, 400 to 599.</param>
    /// <param name="errorMessage"><c>error.message</c>.</param>
    /// <param name="retryAfterSeconds">When given, adds <c>Retry-After</c> (whole seconds, rounded up) and <c>retry-after-ms</c>.</param>
    /// <param name="errorType">Overrides <c>error.type</c>.</param>
    /// <param name="errorCode">Overrides <c>error.code</c>.</param>
    public static ScriptedReply Status(int statusCode, string errorMessage, double? retryAfterSeconds = null, string? errorType = null, string? errorCode = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(statusCode, 400);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(statusCode, 599);
        ArgumentNullException.ThrowIfNull(errorMessage);
        if (retryAfterSeconds is { } seconds)
        {
            ArgumentOutOfRangeException.ThrowIfNegative(seconds, nameof(retryAfterSeconds));
        }
        var (defaultType, defaultCode) = statusCode switch
        {
            429 => ("requests", "rate_limit_exceeded"),
            401 => ("invalid_request_error", "invalid_api_key"),
            < 500 => ("invalid_request_error", (string?)null),
            _ => ("server_error", null),
        };
        return new(ScriptedReplyKind.Status)
        {
            StatusCode = statusCode,
            ErrorMessage = errorMessage,
            RetryAfterSeconds = retryAfterSeconds,
            ErrorType = errorType ?? defaultType,
            ErrorCode = errorCode ?? defaultCode,
        };
    }

    /// <summary>Waits <paramref name="delay"/> before answering <paramref name="then"/>; an aborted request or a disposed server ends the wait without an answer.</summary>
    /// <param name="delay">How long to wait.</param>
    /// <param name="then">The reply after the wait.</param>
    public static ScriptedReply Delay(TimeSpan delay, ScriptedReply then)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(delay, TimeSpan.Zero);
        ArgumentNullException.ThrowIfNull(then);
        return new(ScriptedReplyKind.Delay) { DelayBy = delay, Then = then };
    }

    /// <summary>200 with <c>Content-Type: application/json</c> and <paramref name="rawBody"/> verbatim.</summary>
    /// <param name="rawBody">The body; by default a truncated chat.completion object.</param>
    public static ScriptedReply Malformed(string rawBody = """{"id":"chatcmpl-broken","object":"chat.completion","choices":[{"index":0,"message":{"role":"assistant","content":"tru""")
    {
        ArgumentNullException.ThrowIfNull(rawBody);
        return new(ScriptedReplyKind.Malformed) { RawBody = rawBody };
    }

    /// <summary>A successful text completion without the <c>usage</c> property.</summary>
    /// <param name="content">The assistant message content.</param>
    public static ScriptedReply NoUsage(string content)
    {
        ArgumentNullException.ThrowIfNull(content);
        return new(ScriptedReplyKind.NoUsage) { Content = content };
    }

    /// <inheritdoc />
    public override string ToString() => Kind switch
    {
        ScriptedReplyKind.Text => $"Text({Content?.Length ?? 0} chars, {PromptTokens}+{CompletionTokens} tokens, {FinishReason})",
        ScriptedReplyKind.ToolCall => $"ToolCall({FunctionName})",
        ScriptedReplyKind.Status => string.Create(CultureInfo.InvariantCulture, $"Status({StatusCode}{(RetryAfterSeconds is { } s ? $", retry after {s}s" : "")})"),
        ScriptedReplyKind.Delay => $"Delay({DelayBy}, {Then})",
        ScriptedReplyKind.Malformed => "Malformed",
        ScriptedReplyKind.NoUsage => "NoUsage",
        _ => Kind.ToString(),
    };
}
