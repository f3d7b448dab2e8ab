using System.Text;
using System.Text.Json;

namespace AutoResearch.Testing.OpenAi;

/// <summary>Reads the chat-completions fields of a request body into a <see cref="RecordedRequest"/>.</summary>
internal static class ChatRequestParser
{
    public static RecordedRequest Parse(int sequence, DateTimeOffset receivedAt, string method, string path, IReadOnlyDictionary<string, string> headers, string rawBody)
    {
        JsonElement root;
        try
        {
            using var document = JsonDocument.Parse(rawBody);
            root = document.RootElement.Clone();
        }
        catch (JsonException e)
        {
            return Empty(sequence, receivedAt, method, path, headers, rawBody, $"body is not JSON: {e.Message}");
        }
        if (root.ValueKind != JsonValueKind.Object)
        {
            return Empty(sequence, receivedAt, method, path, headers, rawBody, $"body is a JSON {root.ValueKind}, not an object");
        }

        var responseFormat = Property(root, "response_format");
        return new RecordedRequest
        {
            Sequence = sequence,
            ReceivedAt = receivedAt,
            Method = method,
            Path = path,
            Headers = headers,
            RawBody = rawBody,
            Json = root,
            Model = String(root, "model"),
            Messages = Array(root, "messages").Select(ParseMessage).ToList(),
            Tools = Array(root, "tools").Select(ParseTool).ToList(),
            ToolChoice = Property(root, "tool_choice") switch
            {
                { ValueKind: JsonValueKind.String } s => s.GetString(),
                { ValueKind: JsonValueKind.Null } or null => null,
                { } other => other.GetRawText(),
            },
            MaxTokens = Int(root, "max_tokens"),
            MaxCompletionTokens = Int(root, "max_completion_tokens"),
            Temperature = Property(root, "temperature") is { ValueKind: JsonValueKind.Number } t ? t.GetDouble() : null,
            ResponseFormatType = responseFormat is { ValueKind: JsonValueKind.Object } rf ? String(rf, "type") : null,
            ResponseFormatJson = responseFormat is { ValueKind: not JsonValueKind.Null } f ? f.GetRawText() : null,
            Stream = Property(root, "stream") is { ValueKind: JsonValueKind.True },
        };
    }

    private static RecordedRequest Empty(int sequence, DateTimeOffset receivedAt, string method, string path, IReadOnlyDictionary<string, string> headers, string rawBody, string error) =>
        new()
        {
            Sequence = sequence,
            ReceivedAt = receivedAt,
            Method = method,
            Path = path,
            Headers = headers,
            RawBody = rawBody,
            ParseError = error,
        };

    private static RecordedMessage ParseMessage(JsonElement message)
    {
        if (message.ValueKind != JsonValueKind.Object)
        {
            return new RecordedMessage { Role = null, Content = null };
        }
        var content = Property(message, "content");
        var parts = content is { ValueKind: JsonValueKind.Array } array
            ? array.EnumerateArray()
                .Select(p => p.ValueKind == JsonValueKind.Object ? new RecordedContentPart(String(p, "type"), String(p, "text")) : new RecordedContentPart(null, null))
                .ToList()
            : [];
        string? text = content switch
        {
            { ValueKind: JsonValueKind.String } s => s.GetString(),
            { ValueKind: JsonValueKind.Array } => parts.Aggregate(new StringBuilder(), (sb, p) => sb.Append(p.Text)).ToString(),
            _ => null,
        };
        return new RecordedMessage
        {
            Role = String(message, "role"),
            Content = text,
            Parts = parts,
            Name = String(message, "name"),
            ToolCallId = String(message, "tool_call_id"),
            ToolCalls = Array(message, "tool_calls")
                .Where(c => c.ValueKind == JsonValueKind.Object)
                .Select(c =>
                {
                    var function = Property(c, "function") is { ValueKind: JsonValueKind.Object } f ? f : default;
                    return new RecordedToolCall(
                        String(c, "id"),
                        String(c, "type"),
                        function.ValueKind == JsonValueKind.Object ? String(function, "name") : null,
                        function.ValueKind == JsonValueKind.Object ? String(function, "arguments") : null);
                })
                .ToList(),
        };
    }

    private static RecordedTool ParseTool(JsonElement tool)
    {
        if (tool.ValueKind != JsonValueKind.Object)
        {
            return new RecordedTool(null, null, null, null);
        }
        var function = Property(tool, "function");
        if (function is not { ValueKind: JsonValueKind.Object } f)
        {
            return new RecordedTool(String(tool, "type"), null, null, null);
        }
        return new RecordedTool(
            String(tool, "type"),
            String(f, "name"),
            String(f, "description"),
            Property(f, "parameters") is { ValueKind: not JsonValueKind.Null } p ? p.GetRawText() : null);
    }

    private static JsonElement? Property(JsonElement obj, string name) =>
        obj.TryGetProperty(name, out var value) ? value : null;

    private static string? String(JsonElement obj, string name) => Property(obj, name) switch
    {
        { ValueKind: JsonValueKind.String } s => s.GetString(),
        { ValueKind: JsonValueKind.Null } or null => null,
        { } other => other.GetRawText(),
    };

    private static int? Int(JsonElement obj, string name) =>
        Property(obj, name) is { ValueKind: JsonValueKind.Number } n && n.TryGetInt32(out var value) ? value : null;

    private static IEnumerable<JsonElement> Array(JsonElement obj, string name) =>
        Property(obj, name) is { ValueKind: JsonValueKind.Array } array ? array.EnumerateArray() : [];
}
