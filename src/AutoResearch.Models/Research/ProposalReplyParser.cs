using System.Globalization;
using System.Text.Json;
using AutoResearch.Abstractions.Models;
using AutoResearch.Edits;

namespace AutoResearch.Models.Research;

/// <summary>
/// Reads a model's answer: a JSON object (fenced as <c>```json</c> or bare) with <c>hypothesis</c>, <c>rationale</c>,
/// <c>expected_effect</c>, <c>parameters</c> and optionally <c>edits</c>; edit blocks may also follow the JSON as plain text.
/// A <c>propose_experiment</c> tool call with the same fields is read the same way. Never throws on bad model output: the
/// error names what is wrong so the model can be asked to repair it.
/// </summary>
public static class ProposalReplyParser
{
    public const string ToolName = "propose_experiment";

    public static ModelProposalReply? Parse(ModelReply reply, out string? error)
    {
        ArgumentNullException.ThrowIfNull(reply);
        if (reply.ToolCalls.FirstOrDefault(t => t.Name.EndsWith(ToolName, StringComparison.Ordinal)) is { } call)
            return FromJson(call.ArgumentsJson, "", out error);
        return Parse(reply.Text, out error);
    }

    public static ModelProposalReply? Parse(string text, out string? error)
    {
        text = StripThinking(text ?? "");
        if (text.Trim().Length == 0)
        {
            error = "the answer is empty";
            return null;
        }
        if (!TryFindJson(text, out var json, out var rest))
        {
            error = "the answer has no JSON object with \"hypothesis\" (expected a ```json block first, then any edit blocks)";
            return null;
        }
        return FromJson(json, rest, out error);
    }

    private static ModelProposalReply? FromJson(string json, string rest, out string? error)
    {
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(json, new JsonDocumentOptions { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip });
        }
        catch (JsonException ex)
        {
            error = $"the JSON object is not valid JSON ({ex.Message})";
            return null;
        }
        using (doc)
        {
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                error = "the JSON must be an object";
                return null;
            }
            var hypothesis = StringOf(root, "hypothesis");
            if (string.IsNullOrWhiteSpace(hypothesis))
            {
                error = "\"hypothesis\" is missing or empty";
                return null;
            }
            var parameters = new Dictionary<string, string>(StringComparer.Ordinal);
            if (root.TryGetProperty("parameters", out var p) && p.ValueKind != JsonValueKind.Null)
            {
                if (p.ValueKind != JsonValueKind.Object)
                {
                    error = "\"parameters\" must be an object of name: value";
                    return null;
                }
                foreach (var property in p.EnumerateObject())
                {
                    var value = property.Value.ValueKind switch
                    {
                        JsonValueKind.String => property.Value.GetString(),
                        JsonValueKind.Number => property.Value.GetDouble().ToString("R", CultureInfo.InvariantCulture),
                        JsonValueKind.True => "true",
                        JsonValueKind.False => "false",
                        _ => null,
                    };
                    if (value is null)
                    {
                        error = $"parameter \"{property.Name}\" must be a number or a string, not {property.Value.ValueKind.ToString().ToLowerInvariant()}";
                        return null;
                    }
                    parameters[property.Name] = value.Trim();
                }
            }
            var edits = StringOf(root, "edits") ?? "";
            // Prose around the JSON is not an edit: the rest counts only when it holds something edit-like.
            if (edits.Trim().Length == 0 && !EditParser.Parse(rest).IsEmpty) edits = rest;
            error = null;
            return new ModelProposalReply
            {
                Hypothesis = OneLine(hypothesis),
                Rationale = (StringOf(root, "rationale") ?? "").Trim(),
                ExpectedEffect = (StringOf(root, "expected_effect") ?? "").Trim(),
                Parameters = parameters,
                Edits = edits.Trim().Length == 0 ? "" : edits,
            };
        }
    }

    /// <summary>Drops <c>&lt;think&gt;…&lt;/think&gt;</c> reasoning (models served without a reasoning parser), whose drafts must not count.</summary>
    private static string StripThinking(string text)
    {
        while (true)
        {
            var open = text.IndexOf("<think>", StringComparison.OrdinalIgnoreCase);
            if (open < 0) return text;
            var close = text.IndexOf("</think>", open, StringComparison.OrdinalIgnoreCase);
            text = close < 0 ? text[..open] : text[..open] + text[(close + "</think>".Length)..];
        }
    }

    private static string? StringOf(JsonElement root, string name) =>
        root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static string OneLine(string text)
    {
        var line = string.Join(' ', text.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        return line.Length > 300 ? line[..300] + "…" : line;
    }

    /// <summary>The first ```json fence, else the first balanced {...} that parses; <paramref name="rest"/> is the text around it.</summary>
    private static bool TryFindJson(string text, out string json, out string rest)
    {
        var fence = text.IndexOf("```json", StringComparison.OrdinalIgnoreCase);
        if (fence >= 0)
        {
            var start = text.IndexOf('\n', fence);
            var end = start < 0 ? -1 : text.IndexOf("```", start, StringComparison.Ordinal);
            if (start >= 0 && end > start)
            {
                json = text[(start + 1)..end];
                rest = text[..fence] + text[(end + 3)..];
                return true;
            }
        }
        for (var open = text.IndexOf('{'); open >= 0; open = text.IndexOf('{', open + 1))
        {
            var close = MatchingBrace(text, open);
            if (close < 0) continue;
            var candidate = text[open..(close + 1)];
            if (!candidate.Contains("\"hypothesis\"", StringComparison.Ordinal)) continue;
            json = candidate;
            rest = text[..open] + text[(close + 1)..];
            return true;
        }
        json = rest = "";
        return false;
    }

    private static int MatchingBrace(string text, int open)
    {
        var depth = 0;
        var inString = false;
        for (var i = open; i < text.Length; i++)
        {
            var c = text[i];
            if (inString)
            {
                if (c == '\\') i++;
                else if (c == '"') inString = false;
                continue;
            }
            if (c == '"') inString = true;
            else if (c == '{') depth++;
            else if (c == '}' && --depth == 0) return i;
        }
        return -1;
    }
}
