using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace AutoResearch.Testing.OpenAi;

/// <summary>Writes OpenAI wire-format responses: <c>chat.completion</c> objects and error bodies.</summary>
internal static class ChatReplyWriter
{
    /// <summary>Writes a non-delay reply.</summary>
    public static Task WriteAsync(HttpResponse response, ScriptedReply reply, string? requestModel, string completionId, string toolCallId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        switch (reply.Kind)
        {
            case ScriptedReplyKind.Text:
            case ScriptedReplyKind.NoUsage:
            case ScriptedReplyKind.ToolCall:
                return WriteJsonAsync(response, 200, Completion(reply, requestModel, completionId, toolCallId, now), cancellationToken);
            case ScriptedReplyKind.Status:
                if (reply.RetryAfterSeconds is { } seconds)
                {
                    response.Headers["Retry-After"] = ((long)Math.Ceiling(seconds)).ToString(CultureInfo.InvariantCulture);
                    response.Headers["retry-after-ms"] = ((long)Math.Round(seconds * 1000)).ToString(CultureInfo.InvariantCulture);
                }
                return WriteJsonAsync(response, reply.StatusCode, Error(reply.ErrorMessage ?? "", reply.ErrorType, reply.ErrorCode), cancellationToken);
            case ScriptedReplyKind.Malformed:
                return WriteJsonAsync(response, 200, reply.RawBody ?? "", cancellationToken);
            default:
                throw new InvalidOperationException($"reply kind {reply.Kind} is not written directly");
        }
    }

    /// <summary>The OpenAI error body <c>{"error":{"message","type","param","code"}}</c>.</summary>
    public static string Error(string message, string? type, string? code) => Json(w =>
    {
        w.WriteStartObject();
        w.WriteStartObject("error");
        w.WriteString("message", message);
        w.WriteString("type", type);
        w.WriteNull("param");
        w.WriteString("code", code);
        w.WriteEndObject();
        w.WriteEndObject();
    });

    /// <summary>Writes <paramref name="body"/> as <c>application/json</c> with the given status.</summary>
    public static async Task WriteJsonAsync(HttpResponse response, int statusCode, string body, CancellationToken cancellationToken)
    {
        var bytes = Encoding.UTF8.GetBytes(body);
        response.StatusCode = statusCode;
        response.ContentType = "application/json";
        response.ContentLength = bytes.Length;
        await response.Body.WriteAsync(bytes, cancellationToken);
    }

    private static string Completion(ScriptedReply reply, string? requestModel, string completionId, string toolCallId, DateTimeOffset now) => Json(w =>
    {
        w.WriteStartObject();
        w.WriteString("id", completionId);
        w.WriteString("object", "chat.completion");
        w.WriteNumber("created", now.ToUnixTimeSeconds());
        w.WriteString("model", requestModel ?? "scripted");
        w.WriteStartArray("choices");
        w.WriteStartObject();
        w.WriteNumber("index", 0);
        w.WriteStartObject("message");
        w.WriteString("role", "assistant");
        if (reply.Kind == ScriptedReplyKind.ToolCall)
        {
            w.WriteNull("content");
            w.WriteNull("refusal");
            w.WriteStartArray("tool_calls");
            w.WriteStartObject();
            w.WriteString("id", reply.ToolCallId ?? toolCallId);
            w.WriteString("type", "function");
            w.WriteStartObject("function");
            w.WriteString("name", reply.FunctionName);
            w.WriteString("arguments", reply.ArgumentsJson);
            w.WriteEndObject();
            w.WriteEndObject();
            w.WriteEndArray();
        }
        else
        {
            w.WriteString("content", reply.Content);
            w.WriteNull("refusal");
        }
        w.WriteEndObject();
        w.WriteNull("logprobs");
        w.WriteString("finish_reason", reply.Kind == ScriptedReplyKind.ToolCall ? "tool_calls" : reply.FinishReason);
        w.WriteEndObject();
        w.WriteEndArray();
        if (reply.Kind != ScriptedReplyKind.NoUsage)
        {
            w.WriteStartObject("usage");
            w.WriteNumber("prompt_tokens", reply.PromptTokens);
            w.WriteNumber("completion_tokens", reply.CompletionTokens);
            w.WriteNumber("total_tokens", reply.PromptTokens + reply.CompletionTokens);
            w.WriteEndObject();
        }
        w.WriteNull("system_fingerprint");
        w.WriteEndObject();
    });

    private static string Json(Action<Utf8JsonWriter> write)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream))
        {
            write(writer);
        }
        return Encoding.UTF8.GetString(stream.ToArray());
    }
}
