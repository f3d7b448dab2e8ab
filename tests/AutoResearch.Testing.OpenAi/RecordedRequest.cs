using System.Text.Json;

namespace AutoResearch.Testing.OpenAi;

/// <summary>One HTTP request received by <see cref="ScriptedOpenAiServer"/>, with the chat-completions fields parsed.</summary>
public sealed class RecordedRequest
{
    /// <summary>0-based arrival order on this server.</summary>
    public required int Sequence { get; init; }

    /// <summary>When the request arrived.</summary>
    public required DateTimeOffset ReceivedAt { get; init; }

    /// <summary>The HTTP method.</summary>
    public required string Method { get; init; }

    /// <summary>The request path, e.g. <c>/v1/chat/completions</c>.</summary>
    public required string Path { get; init; }

    /// <summary>The deployment named by an Azure OpenAI path (<c>/openai/deployments/{deployment}/chat/completions</c>), else null.</summary>
    public string? Deployment { get; internal set; }

    /// <summary>The <c>api-version</c> query parameter (Azure OpenAI), else null.</summary>
    public string? ApiVersion { get; internal set; }

    /// <summary>Request headers, case-insensitive; repeated headers joined with <c>", "</c>.</summary>
    public required IReadOnlyDictionary<string, string> Headers { get; init; }

    /// <summary>The <c>Authorization</c> header (<c>Bearer sk-…</c>), or null.</summary>
    public string? Authorization => Headers.TryGetValue("Authorization", out var value) ? value : null;

    /// <summary>The body exactly as received (UTF-8).</summary>
    public required string RawBody { get; init; }

    /// <summary>The parsed body, or null when it was not a JSON object (the server then answered 400).</summary>
    public JsonElement? Json { get; init; }

    /// <summary>Why the body could not be parsed, or null.</summary>
    public string? ParseError { get; init; }

    /// <summary><c>model</c>.</summary>
    public string? Model { get; init; }

    /// <summary><c>messages</c>, in order.</summary>
    public IReadOnlyList<RecordedMessage> Messages { get; init; } = [];

    /// <summary><c>tools</c>, in order; empty when none were advertised.</summary>
    public IReadOnlyList<RecordedTool> Tools { get; init; } = [];

    /// <summary><c>tool_choice</c>: the string itself (<c>auto</c>, <c>none</c>, <c>required</c>) or the raw JSON of an object; null when absent.</summary>
    public string? ToolChoice { get; init; }

    /// <summary><c>max_tokens</c>, the legacy limit.</summary>
    public int? MaxTokens { get; init; }

    /// <summary><c>max_completion_tokens</c>, the limit current OpenAI clients send.</summary>
    public int? MaxCompletionTokens { get; init; }

    /// <summary><c>temperature</c>.</summary>
    public double? Temperature { get; init; }

    /// <summary><c>response_format.type</c> (<c>text</c>, <c>json_object</c>, <c>json_schema</c>), or null.</summary>
    public string? ResponseFormatType { get; init; }

    /// <summary><c>response_format</c> as raw JSON, or null.</summary>
    public string? ResponseFormatJson { get; init; }

    /// <summary><c>stream</c>; a streaming request is answered 400.</summary>
    public bool Stream { get; init; }

    /// <summary>The first system (or developer) message's content, or null.</summary>
    public string? SystemPrompt => Messages.FirstOrDefault(m => m.Role is "system" or "developer")?.Content;

    /// <summary>The last user message's content, or null.</summary>
    public string? LastUserMessage => Messages.LastOrDefault(m => m.Role == "user")?.Content;

    /// <inheritdoc />
    public override string ToString() => $"#{Sequence} {Method} {Path} model={Model ?? "(none)"} messages={Messages.Count}";
}
