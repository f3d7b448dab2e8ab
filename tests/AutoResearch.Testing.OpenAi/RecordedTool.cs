namespace AutoResearch.Testing.OpenAi;

/// <summary>A tool advertised in a request's <c>tools</c> array.</summary>
/// <param name="Type">The tool's <c>type</c>, normally <c>function</c>.</param>
/// <param name="Name"><c>function.name</c> (Semantic Kernel sends <c>plugin-function</c>).</param>
/// <param name="Description"><c>function.description</c>.</param>
/// <param name="ParametersJson"><c>function.parameters</c>, the JSON schema as raw text, or null when absent.</param>
public sealed record RecordedTool(string? Type, string? Name, string? Description, string? ParametersJson);
