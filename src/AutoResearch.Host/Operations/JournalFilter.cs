using AutoResearch.Abstractions.Journal;

namespace AutoResearch.Host.Operations;

/// <summary>
/// Which journal entries a reader asked for: some kinds (none: every kind) and one author (case-insensitive). One rule for
/// the CLI's <c>journal --kind --author</c>, the API's <c>GET /api/campaigns/{id}/journal?kind=&amp;author=</c> and the
/// console's journal page.
/// </summary>
public sealed record JournalFilter(IReadOnlySet<JournalEntryKind> Kinds, string? Author)
{
    public static JournalFilter All { get; } = new(new HashSet<JournalEntryKind>(), null);

    public bool IsAll => Kinds.Count == 0 && Author is null;

    public bool Matches(JournalEntry entry) =>
        (Kinds.Count == 0 || Kinds.Contains(entry.Kind)) &&
        (Author is null || string.Equals(entry.Author, Author, StringComparison.OrdinalIgnoreCase));

    /// <summary>
    /// Reads kind names (each may hold several, comma-separated; spelled as <see cref="JournalKinds.TryParse"/> reads them)
    /// and an author (null or blank: any); the problems name each unknown kind and the valid ones.
    /// </summary>
    public static JournalFilter Parse(IEnumerable<string?>? kindNames, string? author, out IReadOnlyList<string> problems)
    {
        var found = new List<string>();
        var kinds = new HashSet<JournalEntryKind>();
        foreach (var name in (kindNames ?? []).SelectMany(k => (k ?? "").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)))
        {
            if (JournalKinds.TryParse(name, out var kind)) kinds.Add(kind);
            else found.Add($"unknown kind '{name}'; valid kinds: {JournalKinds.ValidNames}");
        }
        problems = found;
        return new JournalFilter(kinds, string.IsNullOrWhiteSpace(author) ? null : author.Trim());
    }
}
