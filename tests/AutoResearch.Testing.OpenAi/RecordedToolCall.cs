namespace AutoResearch.Testing.OpenAi;

/// <summary>A tool call found in an assistant message of a request (a previous turn replayed by the client).</summary>
/// <param name="Id">The call's <c>id</c>.</param>
/// <param name="Type">The call's <c>type</c>, normally <c>function</c>.</param>
/// <param name="FunctionName"><c>function.name</c>.</param>
/// <param name="ArgumentsJson"><c>function.arguments</c>, the JSON text as sent.</param>
public sealed record RecordedToolCall(string? Id, string? Type, string? FunctionName, string? ArgumentsJson);
