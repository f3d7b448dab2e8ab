namespace AutoResearch.Testing.OpenAi;

/// <summary>One part of a message whose <c>content</c> was an array.</summary>
/// <param name="Type">The part's <c>type</c> (<c>text</c>, <c>image_url</c>, …).</param>
/// <param name="Text">The part's <c>text</c>, for text parts.</param>
public sealed record RecordedContentPart(string? Type, string? Text);
