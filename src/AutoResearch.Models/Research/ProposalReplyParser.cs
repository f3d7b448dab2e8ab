using System.Globalization;
using System.Text.Json;
using AutoResearch.Abstractions.Models;
using AutoResearch.Edits;

namespace AutoResearch.Models.Research;

/// <summary>
/// Reads a model's answer: a JSON object (fenced as <c>```json</c> or bare, as <c>response_format: json_schema</c> gives it)
/// with <c>hypothesis</c>, <c>rationale</c>, <c>expected_effect</c>, <c>parameters</c> and optionally <c>edits</c>; edit blocks
/// may also follow the JSON as plain text. A <c>propose_experiment</c> tool call with the same fields is read the same way.
/// Common variants are accepted: field names in other cases or spellings (<c>expectedEffect</c>, <c>reasoning</c>,
/// <c>params</c>, <c>patch</c>), a proposal wrapped in one object or array, parameters as a list of name/value pairs or as a
/// JSON string, <c>null</c> for an unchanged parameter. Never throws on bad model output: the
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
            var root = Unwrap(doc.RootElement);
            if (root.ValueKind != JsonValueKind.Object)
            {
                error = "the JSON must be an object";
                return null;
            }
            var hypothesis = StringOf(root, HypothesisNames);
            if (string.IsNullOrWhiteSpace(hypothesis))
            {
                error = "\"hypothesis\" is missing or empty";
                return null;
            }
            var parameters = new Dictionary<string, string>(StringComparer.Ordinal);
            if (Find(root, ParameterNames) is { ValueKind: not JsonValueKind.Null } p && !ReadParameters(p, parameters, out error))
                return null;
            var edits = StringOf(root, EditNames) ?? "";
            // Prose around the JSON is not an edit: the rest counts only when it holds something edit-like.
            if (edits.Trim().Length == 0 && !EditParser.Parse(rest).IsEmpty) edits = rest;
            error = null;
            return new ModelProposalReply
            {
                Hypothesis = OneLine(hypothesis),
                Rationale = (StringOf(root, RationaleNames) ?? "").Trim(),
                ExpectedEffect = (StringOf(root, ExpectedEffectNames) ?? "").Trim(),
                Parameters = parameters,
                Edits = edits.Trim().Length == 0 ? "" : edits,
            };
        }
    }

    // Field names models use for the same thing, compared without case, '_', '-' or spaces ("expectedEffect", "Expected effect").
    private static readonly string[] HypothesisNames = ["hypothesis", "idea", "experiment", "summary", "title"];
    private static readonly string[] RationaleNames = ["rationale", "reasoning", "reason", "why", "justification", "explanation"];
    private static readonly string[] ExpectedEffectNames = ["expectedeffect", "expected", "expectedoutcome", "expectedresult", "expectedimpact", "prediction"];
    private static readonly string[] ParameterNames = ["parameters", "params", "parameterchanges", "paramchanges", "hyperparameters", "settings", "config"];
    private static readonly string[] EditNames = ["edits", "edit", "patch", "diff", "codeedits", "codechanges", "code", "changes"];

    private static string Key(string name) => string.Concat(name.Where(char.IsLetterOrDigit)).ToLowerInvariant();

    /// <summary>The first property whose name is one of <paramref name="names"/> (in their order of preference).</summary>
    private static JsonElement? Find(JsonElement root, string[] names)
    {
        foreach (var name in names)
        {
            foreach (var property in root.EnumerateObject())
            {
                if (Key(property.Name) == name) return property.Value;
            }
        }
        return null;
    }

    /// <summary>The proposal object itself when it is wrapped (<c>{"proposal": {…}}</c>, <c>[{…}]</c>).</summary>
    private static JsonElement Unwrap(JsonElement root)
    {
        for (var depth = 0; depth < 3; depth++)
        {
            if (root.ValueKind == JsonValueKind.Array && root.GetArrayLength() == 1) root = root[0];
            else if (root.ValueKind == JsonValueKind.Object && StringOf(root, HypothesisNames) is null
                     && root.EnumerateObject().Where(p => p.Value.ValueKind == JsonValueKind.Object).ToList() is [var only]
                     && StringOf(only.Value, HypothesisNames) is not null)
                root = only.Value;
            else break;
        }
        return root;
    }

    /// <summary>
    /// Parameters as <c>{"name": value}</c>, <c>[{"name": …, "value": …}]</c>, or either as a JSON string (tool arguments);
    /// <c>null</c> and <c>{"value": null}</c> keep the current value.
    /// </summary>
    private static bool ReadParameters(JsonElement p, Dictionary<string, string> parameters, out string? error)
    {
        error = null;
        if (p.ValueKind == JsonValueKind.String)
        {
            var text = p.GetString() ?? "";
            if (text.Trim().Length == 0) return true;
            try
            {
                using var inner = JsonDocument.Parse(text);
                return ReadParameters(inner.RootElement.Clone(), parameters, out error);
            }
            catch (JsonException)
            {
                error = "\"parameters\" must be an object of name: value";
                return false;
            }
        }
        IEnumerable<(string Name, JsonElement Value)> pairs;
        if (p.ValueKind == JsonValueKind.Object)
        {
            pairs = p.EnumerateObject().Select(x => (x.Name, x.Value));
        }
        else if (p.ValueKind == JsonValueKind.Array && p.EnumerateArray().All(IsNamedValue))
        {
            pairs = p.EnumerateArray().Select(x => (StringOf(x, ["name", "parameter", "param", "key"])!, Find(x, ["value", "newvalue", "to"]) ?? default));
        }
        else
        {
            error = "\"parameters\" must be an object of name: value";
            return false;
        }
        foreach (var (name, raw) in pairs)
        {
            var v = raw.ValueKind == JsonValueKind.Object && Find(raw, ["value", "newvalue", "to"]) is { } nested ? nested : raw;
            if (v.ValueKind is JsonValueKind.Null or JsonValueKind.Undefined) continue;
            var value = v.ValueKind switch
            {
                JsonValueKind.String => v.GetString(),
                JsonValueKind.Number => v.GetDouble().ToString("R", CultureInfo.InvariantCulture),
                JsonValueKind.True => "true",
                JsonValueKind.False => "false",
                _ => null,
            };
            if (value is null)
            {
                error = $"parameter \"{name}\" must be a number or a string, not {v.ValueKind.ToString().ToLowerInvariant()}";
                return false;
            }
            parameters[name] = value.Trim();
        }
        return true;
    }

    private static bool IsNamedValue(JsonElement e) =>
        e.ValueKind == JsonValueKind.Object && StringOf(e, ["name", "parameter", "param", "key"]) is { Length: > 0 };

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

    private static string? StringOf(JsonElement root, string[] names) =>
        root.ValueKind == JsonValueKind.Object && Find(root, names) is { ValueKind: JsonValueKind.String } value ? value.GetString() : null;

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
            if (!LooksLikeProposal(candidate)) continue;
            json = candidate;
            rest = text[..open] + text[(close + 1)..];
            return true;
        }
        json = rest = "";
        return false;
    }

    /// <summary>A JSON object that names a hypothesis under any of its accepted names (wrapped or not).</summary>
    private static bool LooksLikeProposal(string candidate)
    {
        if (candidate.Contains("\"hypothesis\"", StringComparison.OrdinalIgnoreCase)) return true;
        try
        {
            using var doc = JsonDocument.Parse(candidate, new JsonDocumentOptions { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip });
            return StringOf(Unwrap(doc.RootElement), HypothesisNames) is not null;
        }
        catch (JsonException)
        {
            return false;
        }
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
