using System.Globalization;
using AutoResearch.Abstractions.Specs;

namespace AutoResearch.Host.Operations;

/// <summary>What a person's note to a campaign's journal must be (the CLI's <c>note</c> and the console apply the same rules).</summary>
public static class NoteRules
{
    /// <summary>The longest note, in characters (after trimming).</summary>
    public const int MaxLength = 8000;

    /// <summary>The longest author name, in characters.</summary>
    public const int MaxAuthorLength = 100;

    /// <summary>The author the campaign itself writes as.</summary>
    public const string SystemAuthor = "system";

    /// <summary>Why the (trimmed) text cannot be a note; null when it can.</summary>
    public static string? WhyNotText(string text)
    {
        if (text.Length == 0)
            return "the text is empty";
        if (text.Length > MaxLength)
            return $"the text is {text.Length.ToString(CultureInfo.InvariantCulture)} characters long; the limit is {MaxLength.ToString(CultureInfo.InvariantCulture)}";
        return null;
    }

    /// <summary>Why the (trimmed, non-empty) author cannot sign a note of the campaign with <paramref name="spec"/>; null when it can.</summary>
    public static string? WhyNotAuthor(string author, CampaignSpec spec, string campaignId)
    {
        if (author.Length > MaxAuthorLength || author.Any(char.IsControl))
            return $"the author must be at most {MaxAuthorLength.ToString(CultureInfo.InvariantCulture)} printable characters";
        if (string.Equals(author, SystemAuthor, StringComparison.OrdinalIgnoreCase))
            return $"the author '{SystemAuthor}' is reserved for the campaign itself; notes are written by people";
        if (spec.Agents.FirstOrDefault(a => string.Equals(a.Id, author, StringComparison.OrdinalIgnoreCase)) is { } agent)
            return $"the author '{author}' is an agent of campaign '{campaignId}' ({agent.Id}); people must not write as agents";
        return null;
    }
}
