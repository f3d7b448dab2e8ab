using System.Text.Json;
using AutoResearch.Abstractions.Journal;

namespace AutoResearch.Host.Operations;

/// <summary>Journal entry kinds as the CLI spells them: lowercase snake case (<c>dead_end</c>).</summary>
public static class JournalKinds
{
    /// <summary>Every kind, in the enum's order.</summary>
    public static IReadOnlyList<JournalEntryKind> All { get; } = Enum.GetValues<JournalEntryKind>();

    /// <summary>The valid names, comma-separated, for error messages.</summary>
    public static string ValidNames => string.Join(", ", All.Select(Name));

    public static string Name(JournalEntryKind kind) => JsonNamingPolicy.SnakeCaseLower.ConvertName(kind.ToString());

    /// <summary>Reads <c>dead_end</c>, <c>dead-end</c>, <c>DeadEnd</c> and the like; false for anything else.</summary>
    public static bool TryParse(string? text, out JournalEntryKind kind)
    {
        var key = Normalize(text);
        foreach (var candidate in All)
        {
            if (key.Length > 0 && key == Normalize(candidate.ToString()))
            {
                kind = candidate;
                return true;
            }
        }
        kind = default;
        return false;
    }

    private static string Normalize(string? text) =>
        new((text ?? "").Trim().Where(c => c is not ('_' or '-' or ' ')).Select(char.ToLowerInvariant).ToArray());
}
