namespace AutoResearch.Testing.OpenAi;

/// <summary>What a <see cref="ScriptedReply"/> makes the server answer.</summary>
public enum ScriptedReplyKind
{
    /// <summary>200 with a <c>chat.completion</c> whose message has text content, finish reason <c>stop</c> (or the one given) and usage.</summary>
    Text,

    /// <summary>200 with a <c>chat.completion</c> whose message carries one function tool call, content null, finish reason <c>tool_calls</c>.</summary>
    ToolCall,

    /// <summary>An HTTP error status with the OpenAI error body <c>{"error":{"message","type","param","code"}}</c>, optionally with Retry-After headers.</summary>
    Status,

    /// <summary>Waits (honouring request abort and server disposal), then answers with another reply.</summary>
    Delay,

    /// <summary>200, <c>application/json</c>, with a body given verbatim (meant to be broken).</summary>
    Malformed,

    /// <summary>Like <see cref="Text"/> but without the <c>usage</c> property.</summary>
    NoUsage,
}
