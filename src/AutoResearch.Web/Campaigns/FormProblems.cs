namespace AutoResearch.Web.Campaigns;

/// <summary>Problems of a submitted form, by field path (<c>Name</c>, <c>Agents[1].Model</c>; empty for the form as a whole).</summary>
public sealed class FormProblems
{
    private readonly Dictionary<string, List<string>> _byField = new(StringComparer.Ordinal);

    public bool Any => _byField.Count > 0;

    public IReadOnlyDictionary<string, List<string>> ByField => _byField;

    /// <summary>The messages for <paramref name="field"/> (none when it is fine).</summary>
    public IReadOnlyList<string> For(string field) => _byField.TryGetValue(field, out var list) ? list : [];

    public void Add(string field, string message)
    {
        if (!_byField.TryGetValue(field, out var list)) _byField[field] = list = [];
        if (!list.Contains(message, StringComparer.Ordinal)) list.Add(message);
    }

    /// <summary>For a JSON validation problem: field paths in camelCase (<c>agents[1].model</c>).</summary>
    public Dictionary<string, string[]> ToCamelCase() => _byField.ToDictionary(
        kv => string.Join('.', kv.Key.Split('.').Select(p => p.Length > 0 ? char.ToLowerInvariant(p[0]) + p[1..] : p)),
        kv => kv.Value.ToArray());
}
