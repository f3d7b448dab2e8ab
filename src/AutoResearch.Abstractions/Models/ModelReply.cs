namespace AutoResearch.Abstractions.Models;

/// <summary>A model's answer with what it cost.</summary>
public sealed record ModelReply
{
    /// <summary>The assistant message's text; empty when the model answered with a tool call only.</summary>
    public required string Text { get; init; }

    /// <summary>Tool calls in the answer (function name and JSON arguments), if the model made any.</summary>
    public IReadOnlyList<ModelToolCall> ToolCalls { get; init; } = [];

    /// <summary>The configured endpoint that answered and the model it names.</summary>
    public required string Endpoint { get; init; }
    public required string Model { get; init; }

    /// <summary>Tokens of the answering call, from the response's usage (estimated when the server sent none).</summary>
    public long PromptTokens { get; init; }
    public long CompletionTokens { get; init; }

    /// <summary>Tokens of every attempt of this request, failed ones included (what the budget is charged).</summary>
    public long TokensCharged { get; init; }

    /// <summary>True when <see cref="PromptTokens"/>/<see cref="CompletionTokens"/> were estimated, not reported.</summary>
    public bool UsageEstimated { get; init; }

    /// <summary>Attempts made, all endpoints together (1 when the first choice answered at once).</summary>
    public int Attempts { get; init; } = 1;

    /// <summary>One line per endpoint that was given up on before this one answered, e.g. <c>gpt-a: HTTP 500 ×4</c>.</summary>
    public IReadOnlyList<string> FailedOver { get; init; } = [];

    public long TotalTokens => PromptTokens + CompletionTokens;
}
