using AutoResearch.Abstractions.Models;
using AutoResearch.Abstractions.Ports;

namespace AutoResearch.Models;

/// <summary>
/// The JSON shape an answer must have. Sent as <c>response_format: json_schema</c> (strict when <see cref="Strict"/>) where the
/// endpoint takes it, else as the parameters of a tool the model is required to call, else only described in the prompt.
/// </summary>
/// <param name="Name">Schema and tool name (letters, digits, <c>_</c>), e.g. <c>propose_experiment</c>.</param>
/// <param name="Description">What the answer is, for the model.</param>
/// <param name="JsonSchema">The JSON schema of the answer object.</param>
/// <param name="Strict">True when the schema meets strict mode's rules (every property required, no additional properties).</param>
public sealed record AnswerSchema(string Name, string Description, string JsonSchema, bool Strict);

/// <summary>How an endpoint is asked for a structured answer; each step down is tried when the endpoint refuses the one above.</summary>
public enum StructuredOutputMode
{
    /// <summary><c>response_format: {"type": "json_schema", …}</c>: OpenAI, Azure OpenAI, vLLM, Ollama, llama.cpp server.</summary>
    JsonSchema,

    /// <summary>A required tool call whose parameters are the schema (servers without json_schema but with tools).</summary>
    ToolCall,

    /// <summary>No request field: the format is described in the prompt only.</summary>
    Prompt,
}

/// <summary>How usable one endpoint's answers have been since start-up, and how it is asked for structure.</summary>
/// <param name="Endpoint">The configured endpoint name.</param>
/// <param name="Model">The model it names.</param>
/// <param name="StructuredOutput">How it is asked now (<see cref="StructuredOutputMode"/>), in words: <c>json_schema</c>, <c>tool call</c>, <c>prompt only</c>.</param>
/// <param name="Answers">Answers read (proposals and repairs).</param>
/// <param name="Rejected">Answers that could not be used (unreadable, invalid, edits that did not apply).</param>
/// <param name="LastProblem">Why the latest unusable answer was refused, or null.</param>
public sealed record EndpointAnswerStats(string Endpoint, string Model, string StructuredOutput, int Answers, int Rejected, string? LastProblem)
{
    /// <summary>Share of answers rejected (0 when there were none).</summary>
    public double RejectionRate => Answers == 0 ? 0 : (double)Rejected / Answers;
}

/// <summary>
/// A model gateway that can ask for a structured answer (<see cref="AnswerSchema"/>), remembers per endpoint which way of
/// asking it takes, and counts how many of each endpoint's answers were usable. <see cref="SemanticKernelModelGateway"/> is one;
/// proposers fall back to plain <see cref="IModelGateway.CompleteAsync"/> with any other gateway.
/// </summary>
public interface IStructuredModelGateway : IModelGateway
{
    /// <summary>As <see cref="IModelGateway.CompleteAsync"/>, asking each endpoint for an answer of <paramref name="schema"/>'s shape.</summary>
    Task<ModelReply> CompleteAsync(ModelRequest request, AnswerSchema schema, CancellationToken cancellationToken);

    /// <summary>Counts one answer of <paramref name="endpoint"/> as usable or not (with why not).</summary>
    void RecordAnswer(string endpoint, string model, string? problem);

    /// <summary>Per endpoint that answered or is configured: its structured-output mode and answer/rejection counts, by name.</summary>
    IReadOnlyList<EndpointAnswerStats> AnswerStats { get; }
}
