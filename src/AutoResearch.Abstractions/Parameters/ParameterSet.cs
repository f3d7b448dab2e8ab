using System.Collections;
using System.Runtime.CompilerServices;
using AutoResearch.Abstractions.Specs;

namespace AutoResearch.Abstractions.Parameters;

/// <summary>
/// An immutable assignment of typed values to parameter names, ordered by name (ordinal). Equal when the same names hold
/// equal values; <see cref="ToString"/> is its canonical text (<c>name=value, …</c>). Parsed once at an edge
/// (<see cref="Parse"/> against the benchmark's search space, <see cref="FromStored"/> for stored values) and used typed inside;
/// <see cref="ToText"/> is the one place it turns back into name → text (the run's values, the ledger's JSON).
/// </summary>
[GenerateSerializer, Immutable, Alias("AutoResearch.ParameterSet")]
[CollectionBuilder(typeof(ParameterSet), nameof(Create))]
[System.Text.Json.Serialization.JsonConverter(typeof(ParameterSetJsonConverter))]
public sealed class ParameterSet : IReadOnlyDictionary<string, ParameterValue>, IEquatable<ParameterSet>
{
    /// <summary>The assignment with no values.</summary>
    public static readonly ParameterSet Empty = new([], []);

    [Id(0)] private string[] _names;
    [Id(1)] private ParameterValue[] _values;

    private ParameterSet(string[] names, ParameterValue[] values)
    {
        _names = names;
        _values = values;
    }

    /// <summary>From name/value pairs (any order; a name given twice keeps its last value).</summary>
    public static ParameterSet Create(ReadOnlySpan<KeyValuePair<string, ParameterValue>> items)
    {
        if (items.Length == 0) return Empty;
        var names = new string[items.Length];
        var order = new int[items.Length];
        for (var i = 0; i < items.Length; i++)
        {
            var (name, value) = items[i];
            ArgumentNullException.ThrowIfNull(name);
            if (value is null) throw new ArgumentNullException(nameof(items), $"parameter '{name}' has no value");
            names[i] = name;
            order[i] = i;
        }
        Array.Sort(names, order, StringComparer.Ordinal);
        // A name given twice keeps its last value (the largest original index among its run).
        var keptNames = new List<string>(names.Length);
        var keptValues = new List<ParameterValue>(names.Length);
        for (var i = 0; i < names.Length;)
        {
            var last = order[i];
            var j = i + 1;
            for (; j < names.Length && string.Equals(names[j], names[i], StringComparison.Ordinal); j++) last = Math.Max(last, order[j]);
            keptNames.Add(names[i]);
            keptValues.Add(items[last].Value);
            i = j;
        }
        return new([.. keptNames], [.. keptValues]);
    }

    /// <summary>From name/value pairs (any order; a name given twice keeps its last value).</summary>
    public static ParameterSet Of(IEnumerable<KeyValuePair<string, ParameterValue>> items) => Create([.. items]);

    /// <summary>From (name, value) tuples.</summary>
    public static ParameterSet Of(params (string Name, ParameterValue Value)[] items) =>
        Create([.. items.Select(i => KeyValuePair.Create(i.Name, i.Value))]);

    /// <summary>Values read back from storage (the ledger's JSON, old grain state): see <see cref="ParameterValue.FromStored"/>.</summary>
    public static ParameterSet FromStored(IEnumerable<KeyValuePair<string, string>>? stored) =>
        stored is null ? Empty : Create([.. stored.Select(kv => KeyValuePair.Create(kv.Key, ParameterValue.FromStored(kv.Value)))]);

    /// <summary>
    /// Parses name → text against the search space <paramref name="space"/>: every name declared, every value fits (and, with
    /// <paramref name="requireAll"/>, every declared parameter given). Throws <see cref="ParameterValueException"/> naming each
    /// parameter and what is wrong.
    /// </summary>
    public static ParameterSet Parse(IEnumerable<KeyValuePair<string, string>> values, IReadOnlyList<ParameterSpec> space, bool requireAll = false)
    {
        var result = TryParse(values, space, requireAll, out var problems);
        return problems.Count == 0 ? result
            : throw new ParameterValueException(problems[0].Name, string.Join("; ", problems.Select(p => p.Message)));
    }

    /// <summary>As <see cref="Parse"/>; the values that fit, and each problem (the parameter's name and what is wrong).</summary>
    public static ParameterSet TryParse(IEnumerable<KeyValuePair<string, string>> values, IReadOnlyList<ParameterSpec> space, bool requireAll,
        out IReadOnlyList<Experiments.ParameterProblem> problems, string? benchmarkName = null)
    {
        var found = new List<Experiments.ParameterProblem>();
        var parsed = new List<KeyValuePair<string, ParameterValue>>();
        var given = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (name, text) in values)
        {
            given.Add(name);
            if (space.FirstOrDefault(p => p.Name == name) is not { } spec)
            {
                found.Add(new(name, $"parameter '{name}' is not declared{(benchmarkName is null ? "" : $" by benchmark {benchmarkName}")} (its parameters: {string.Join(", ", space.Select(p => p.Name))})"));
                continue;
            }
            if (ParameterValue.TryParse(spec, text, out var value, out var problem)) parsed.Add(KeyValuePair.Create(name, value));
            else found.Add(new(name, problem!));
        }
        if (requireAll)
            foreach (var spec in space.Where(p => !given.Contains(p.Name)))
                found.Add(new(spec.Name, $"parameter '{spec.Name}' is missing"));
        problems = found;
        return Create([.. parsed]);
    }

    /// <summary>Each declared parameter's default (the baseline), parsed against its own declaration.</summary>
    public static ParameterSet Defaults(IEnumerable<ParameterSpec> space) =>
        Create([.. space.Select(p => KeyValuePair.Create(p.Name, ParameterValue.Parse(p, p.Default)))]);

    public int Count => _names.Length;

    public ParameterValue this[string key] => TryGetValue(key, out var value) ? value
        : throw new KeyNotFoundException($"parameter '{key}' is not in this configuration ({ToString()})");

    public IEnumerable<string> Keys => _names;

    public IEnumerable<ParameterValue> Values => _values;

    public bool ContainsKey(string key) => Array.BinarySearch(_names, key, StringComparer.Ordinal) >= 0;

    public bool TryGetValue(string key, out ParameterValue value)
    {
        var i = Array.BinarySearch(_names, key, StringComparer.Ordinal);
        value = i >= 0 ? _values[i] : null!;
        return i >= 0;
    }

    /// <summary>The value of <paramref name="name"/>, or null when it has none.</summary>
    public ParameterValue? Get(string name) => TryGetValue(name, out var value) ? value : null;

    /// <summary>A copy with <paramref name="name"/> set to <paramref name="value"/>.</summary>
    public ParameterSet With(string name, ParameterValue value) => Create([.. this.Where(kv => kv.Key != name), KeyValuePair.Create(name, value)]);

    /// <summary>A copy with <paramref name="changes"/> laid over these values.</summary>
    public ParameterSet With(IEnumerable<KeyValuePair<string, ParameterValue>> changes) => Create([.. this, .. changes]);

    /// <summary>Name → canonical text: what a run is given and what the ledger stores.</summary>
    public Dictionary<string, string> ToText()
    {
        var text = new Dictionary<string, string>(_names.Length, StringComparer.Ordinal);
        for (var i = 0; i < _names.Length; i++) text[_names[i]] = _values[i].Text;
        return text;
    }

    public IEnumerator<KeyValuePair<string, ParameterValue>> GetEnumerator()
    {
        for (var i = 0; i < _names.Length; i++) yield return KeyValuePair.Create(_names[i], _values[i]);
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    public bool Equals(ParameterSet? other) =>
        other is not null && _names.AsSpan().SequenceEqual(other._names) && _values.AsSpan().SequenceEqual(other._values);

    public override bool Equals(object? obj) => obj is ParameterSet other && Equals(other);

    public override int GetHashCode()
    {
        var hash = new HashCode();
        for (var i = 0; i < _names.Length; i++)
        {
            hash.Add(_names[i], StringComparer.Ordinal);
            hash.Add(_values[i]);
        }
        return hash.ToHashCode();
    }

    public static bool operator ==(ParameterSet? a, ParameterSet? b) => a is null ? b is null : a.Equals(b);

    public static bool operator !=(ParameterSet? a, ParameterSet? b) => !(a == b);

    /// <summary>The canonical text: <c>name=value</c> pairs by name, comma-separated.</summary>
    public override string ToString() => string.Join(", ", this.Select(kv => $"{kv.Key}={kv.Value.Text}"));
}
