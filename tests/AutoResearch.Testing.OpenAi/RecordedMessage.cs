namespace AutoResearch.Testing.OpenAi;

/// <summary>One entry of a request's <c>messages</c> array.</summary>
public sealed class RecordedMessage
{
    /// <summary>The <c>role</c>: <c>system</c>, <c>developer</c>, <c>user</c>, <c>assistant</c> or <c>tool</c>.</summary>
    public required string? Role { get; init; }

    /// <summary>
    /// The text of <c>content</c>: the string itself, or the concatenated <c>text</c> of its parts when it was an array;
    /// null when content was null or absent.
    /// </summary>
    public required string? Content { get; init; }

    /// <summary>The parts when <c>content</c> was an array; empty when it was a string.</summary>
    public IReadOnlyList<RecordedContentPart> Parts { get; init; } = [];

    /// <summary>The optional participant <c>name</c>.</summary>
    public string? Name { get; init; }

    /// <summary><c>tool_call_id</c> of a <c>tool</c> message.</summary>
    public string? ToolCallId { get; init; }

    /// <summary><c>tool_calls</c> of an assistant message.</summary>
    public IReadOnlyList<RecordedToolCall> ToolCalls { get; init; } = [];

    /// <inheritdoc />
    public override string ToString() => $"{Role}: {Content}";
}
