using System.Text.RegularExpressions;

namespace AutoResearch.Harness.Yaml;

/// <summary>
/// Validating reader over one YAML map. Opening it reports non-scalar, duplicate and (when the known keys are given)
/// unknown keys; each typed getter reports a missing, empty or ill-typed value at the field's path and returns null.
/// </summary>
internal sealed class MapReader
{
    private readonly SpecErrorList _errors;
    private readonly Dictionary<string, YNode> _values = new(StringComparer.Ordinal);
    private readonly List<(string Key, YScalar KeyNode, YNode Value)> _entries = [];

    private MapReader(SpecErrorList errors, string path, YMapping node, IReadOnlyCollection<string>? knownKeys)
    {
        _errors = errors;
        Path = path;
        Node = node;
        var first = new Dictionary<string, YScalar>(StringComparer.Ordinal);
        foreach (var (keyNode, value) in node.Entries)
        {
            if (keyNode is not YScalar key || key.IsNull)
            {
                errors.Add(path, $"keys must be plain names, not {keyNode.Kind}", keyNode);
                continue;
            }

            if (first.TryGetValue(key.Value, out var earlier))
            {
                errors.Add(Field(key.Value), $"duplicate key (first given on line {earlier.Line})", key);
                continue;
            }

            first[key.Value] = key;
            if (knownKeys is not null && !knownKeys.Contains(key.Value))
            {
                errors.Add(
                    Field(key.Value),
                    $"unknown key{Suggest.Hint(key.Value, knownKeys)}; known keys: {string.Join(", ", knownKeys)}",
                    key);
                continue;
            }

            _values[key.Value] = value;
            _entries.Add((key.Value, key, value));
        }
    }

    /// <summary>The path of this map (<c>""</c> for the file's root).</summary>
    public string Path { get; }

    public YMapping Node { get; }

    /// <summary>The entries in file order (duplicates and unknown keys left out).</summary>
    public IReadOnlyList<(string Key, YScalar KeyNode, YNode Value)> Entries => _entries;

    public SpecErrorList Errors => _errors;

    /// <summary>Opens <paramref name="node"/> as a map, or reports that it is not one and returns null.</summary>
    public static MapReader? Open(SpecErrorList errors, string path, YNode? node, IReadOnlyCollection<string>? knownKeys)
    {
        if (node is YMapping map)
        {
            return new MapReader(errors, path, map, knownKeys);
        }

        errors.Add(
            path,
            path.Length == 0
                ? $"the file must hold a map of keys{(knownKeys is null ? "" : $" ({string.Join(", ", knownKeys)})")}, not {node?.Kind ?? "nothing"}"
                : $"must be a map, not {node?.Kind ?? "nothing"}",
            node);
        return null;
    }

    public string Field(string key) => Path.Length == 0 ? key : $"{Path}.{key}";

    /// <summary>True when the key is present with a non-null value.</summary>
    public bool Has(string key) => _values.TryGetValue(key, out var v) && v is not YScalar { IsNull: true };

    /// <summary>The raw value node (null when absent).</summary>
    public YNode? Raw(string key) => _values.GetValueOrDefault(key);

    /// <summary>The value, or null when absent or null (reported when <paramref name="required"/>).</summary>
    public YNode? Value(string key, bool required)
    {
        var v = Raw(key);
        if (v is null || v is YScalar { IsNull: true })
        {
            if (required)
            {
                _errors.Add(Field(key), v is null ? "is required" : "is required but has no value", v ?? (Path.Length == 0 ? null : Node));
            }

            return null;
        }

        return v;
    }

    public YScalar? Scalar(string key, bool required)
    {
        var v = Value(key, required);
        if (v is null or YScalar)
        {
            return (YScalar?)v;
        }

        _errors.Add(Field(key), $"must be a single value, not {v.Kind}", v);
        return null;
    }

    /// <summary>A non-empty string, optionally matching <paramref name="pattern"/> (<paramref name="patternHint"/> says what is allowed).</summary>
    public string? String(string key, bool required, Regex? pattern = null, string? patternHint = null)
    {
        var s = Scalar(key, required);
        if (s is null)
        {
            return null;
        }

        if (s.Value.Trim().Length == 0)
        {
            _errors.Add(Field(key), "must not be empty", s);
            return null;
        }

        if (pattern is not null && !pattern.IsMatch(s.Value))
        {
            _errors.Add(Field(key), $"{YamlValues.Quote(s.Value)} is not valid: {patternHint}", s);
            return null;
        }

        return s.Value;
    }

    public double? Number(string key, bool required)
    {
        var s = Scalar(key, required);
        if (s is null)
        {
            return null;
        }

        if (YamlValues.TryNumber(s.Value, out var d))
        {
            return d;
        }

        _errors.Add(Field(key), $"must be a number, not {YamlValues.Quote(s.Value)}", s);
        return null;
    }

    public long? Integer(string key, bool required)
    {
        var s = Scalar(key, required);
        if (s is null)
        {
            return null;
        }

        if (YamlValues.TryInteger(s.Value, out var n))
        {
            return n;
        }

        _errors.Add(Field(key), $"must be a whole number, not {YamlValues.Quote(s.Value)}", s);
        return null;
    }

    public bool? Bool(string key, bool required)
    {
        var s = Scalar(key, required);
        if (s is null)
        {
            return null;
        }

        if (YamlValues.TryBool(s.Value, out var b))
        {
            return b;
        }

        _errors.Add(Field(key), $"must be true or false, not {YamlValues.Quote(s.Value)}", s);
        return null;
    }

    /// <summary>A duration such as <c>90s</c> or <c>1h30m</c> that is greater than zero.</summary>
    public TimeSpan? Duration(string key, bool required)
    {
        var s = Scalar(key, required);
        if (s is null)
        {
            return null;
        }

        if (!DurationParser.TryParse(s.Value, out var t))
        {
            var hint = YamlValues.TryNumber(s.Value, out _) ? $" (a unit is needed, e.g. {s.Value.Trim()}s)" : "";
            _errors.Add(Field(key), $"{YamlValues.Quote(s.Value)} is not a duration{hint}; use e.g. 45s, 2m, 1h30m, 500ms", s);
            return null;
        }

        if (t <= TimeSpan.Zero)
        {
            _errors.Add(Field(key), "must be greater than 0", s);
            return null;
        }

        return t;
    }

    /// <summary>A size with a unit (<c>512m</c>, <c>1g</c>) in whole megabytes, greater than zero.</summary>
    public long? Megabytes(string key, bool required)
    {
        var s = Scalar(key, required);
        if (s is null)
        {
            return null;
        }

        if (!SizeParser.HasUnit(s.Value) || !SizeParser.TryParseMegabytes(s.Value, out var mb))
        {
            var hint = YamlValues.TryNumber(s.Value, out _) ? $" (a unit is needed, e.g. {s.Value.Trim()}m)" : "";
            _errors.Add(Field(key), $"{YamlValues.Quote(s.Value)} is not a size{hint}; use e.g. 512m, 1g (units k, m, g)", s);
            return null;
        }

        if (mb <= 0)
        {
            _errors.Add(Field(key), "must be greater than 0", s);
            return null;
        }

        return mb;
    }

    /// <summary>A list of non-empty single values (an empty list is reported when <paramref name="nonEmpty"/>).</summary>
    public List<(string Value, YScalar Node)>? ScalarList(string key, bool required, bool nonEmpty)
    {
        var v = Value(key, required);
        if (v is null)
        {
            return null;
        }

        if (v is not YSequence seq)
        {
            var example = v is YScalar s ? $" (e.g. [{string.Join(", ", s.Value.Split(' ', StringSplitOptions.RemoveEmptyEntries))}])" : "";
            _errors.Add(Field(key), $"must be a list{example}, not {v.Kind}", v);
            return null;
        }

        if (nonEmpty && seq.Items.Count == 0)
        {
            _errors.Add(Field(key), "must not be empty", seq);
            return null;
        }

        var result = new List<(string, YScalar)>();
        var ok = true;
        for (var i = 0; i < seq.Items.Count; i++)
        {
            var item = seq.Items[i];
            if (item is not YScalar s || s.IsNull || s.Value.Trim().Length == 0)
            {
                _errors.Add($"{Field(key)}[{i}]", $"must be a non-empty single value, not {(item is YScalar ? "empty" : item.Kind)}", item);
                ok = false;
                continue;
            }

            result.Add((s.Value, s));
        }

        return ok ? result : null;
    }

    /// <summary>A nested map (null when absent, or not a map: reported).</summary>
    public MapReader? Map(string key, bool required, IReadOnlyCollection<string>? knownKeys)
    {
        var v = Value(key, required);
        return v is null ? null : Open(_errors, Field(key), v, knownKeys);
    }

    /// <summary>Reports an error about the value of <paramref name="key"/> (or about this map when the key is absent).</summary>
    public void Error(string key, string message) =>
        _errors.Add(Field(key), message, Raw(key) ?? (Path.Length == 0 ? null : Node));
}
