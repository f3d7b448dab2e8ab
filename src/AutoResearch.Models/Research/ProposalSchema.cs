using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using AutoResearch.Abstractions.Specs;

namespace AutoResearch.Models.Research;

/// <summary>
/// The JSON schema of a proposal for one benchmark, strict-mode ready: <c>hypothesis</c>, <c>rationale</c>,
/// <c>expected_effect</c>, <c>parameters</c> (one property per benchmark parameter, its type and choices; <c>null</c> keeps
/// the current best's value) and <c>edits</c> (search/replace blocks or a unified diff as one string; empty for none).
/// </summary>
public static class ProposalSchema
{
    public static AnswerSchema For(BenchmarkSpec benchmark)
    {
        ArgumentNullException.ThrowIfNull(benchmark);
        var c = CultureInfo.InvariantCulture;
        var parameters = new JsonObject();
        foreach (var p in benchmark.Parameters)
        {
            JsonObject property = p.Type switch
            {
                ParameterType.Choice => new JsonObject
                {
                    ["type"] = new JsonArray("string", "null"),
                    ["enum"] = new JsonArray([.. p.Choices.Select(choice => (JsonNode?)JsonValue.Create(choice)), null]),
                },
                ParameterType.Int => new JsonObject { ["type"] = new JsonArray("integer", "null") },
                _ => new JsonObject { ["type"] = new JsonArray("number", "null") },
            };
            var range = p.Type == ParameterType.Choice ? "" : $" from {p.Min?.ToString(c)} to {p.Max?.ToString(c)}{(p.Log ? " (log scale)" : "")}";
            property["description"] = $"new value{range}; null keeps the current best's value";
            parameters[p.Name] = property;
        }
        var schema = new JsonObject
        {
            ["type"] = "object",
            ["properties"] = new JsonObject
            {
                ["hypothesis"] = new JsonObject { ["type"] = "string", ["description"] = "one sentence: what is tried and why it should improve the metric" },
                ["rationale"] = new JsonObject { ["type"] = "string", ["description"] = "why it should help" },
                ["expected_effect"] = new JsonObject { ["type"] = "string", ["description"] = "what the metric should do" },
                ["parameters"] = new JsonObject
                {
                    ["type"] = "object",
                    ["description"] = "the parameters to change; null for those that keep the current best's value",
                    ["properties"] = parameters,
                    ["required"] = new JsonArray([.. benchmark.Parameters.Select(p => (JsonNode?)JsonValue.Create(p.Name))]),
                    ["additionalProperties"] = false,
                },
                ["edits"] = new JsonObject
                {
                    ["type"] = "string",
                    ["description"] = "code changes to the editable files as search/replace blocks (path line, <<<<<<< SEARCH, exact current lines, =======, new lines, >>>>>>> REPLACE) or a unified diff; empty string for none",
                },
            },
            ["required"] = new JsonArray("hypothesis", "rationale", "expected_effect", "parameters", "edits"),
            ["additionalProperties"] = false,
        };
        return new AnswerSchema(
            ProposalReplyParser.ToolName,
            "The next experiment: a hypothesis, parameter changes and code edits.",
            schema.ToJsonString(new JsonSerializerOptions { WriteIndented = false }),
            Strict: true);
    }
}
