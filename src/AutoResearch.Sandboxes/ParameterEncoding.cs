using System.Globalization;
using System.Text;
using System.Text.Json;
using AutoResearch.Abstractions.Specs;

namespace AutoResearch.Sandboxes;

/// <summary>
/// How parameter values reach a run: as <c>AR_PARAM_&lt;NAME&gt;</c> environment variables and as a typed
/// <c>params.json</c> (floats and ints as JSON numbers, choices as strings). Values are normalised per their
/// <see cref="ParameterSpec"/>; spec parameters missing from the values take their default; values without a spec pass as strings.
/// </summary>
public static class ParameterEncoding
{
    /// <summary>Prefix of the per-parameter environment variables.</summary>
    public const string EnvironmentPrefix = "AR_PARAM_";

    /// <summary><c>AR_PARAM_</c> + the name upper-cased with every character other than A-Z and 0-9 replaced by <c>_</c>.</summary>
    public static string EnvironmentName(string parameterName)
    {
        ArgumentException.ThrowIfNullOrEmpty(parameterName);
        var builder = new StringBuilder(EnvironmentPrefix.Length + parameterName.Length).Append(EnvironmentPrefix);
        foreach (var c in parameterName.ToUpperInvariant())
        {
            builder.Append(c is (>= 'A' and <= 'Z') or (>= '0' and <= '9') ? c : '_');
        }

        return builder.ToString();
    }

    /// <summary>
    /// Each parameter's canonical text in order (specs first, then values without a spec, by name):
    /// ints as integers, floats round-trippable, choices unchanged.
    /// </summary>
    /// <exception cref="FormatException">A value does not fit its parameter's type.</exception>
    public static IReadOnlyList<KeyValuePair<string, string>> Normalize(
        IReadOnlyList<ParameterSpec> specs, IReadOnlyDictionary<string, string> values)
    {
        ArgumentNullException.ThrowIfNull(specs);
        ArgumentNullException.ThrowIfNull(values);
        return Typed(specs, values).Select(p => KeyValuePair.Create(p.Name, p.Text)).ToList();
    }

    /// <summary><c>AR_PARAM_&lt;NAME&gt;=value</c> entries, one per parameter.</summary>
    /// <exception cref="FormatException">A value does not fit its parameter's type.</exception>
    /// <exception cref="ArgumentException">Two parameter names map to the same variable.</exception>
    public static IReadOnlyList<string> ToEnvironment(
        IReadOnlyList<ParameterSpec> specs, IReadOnlyDictionary<string, string> values)
    {
        var seen = new Dictionary<string, string>(StringComparer.Ordinal);
        var result = new List<string>();
        foreach (var (name, text) in Normalize(specs, values))
        {
            var variable = EnvironmentName(name);
            if (!seen.TryAdd(variable, name))
            {
                throw new ArgumentException($"Parameters '{seen[variable]}' and '{name}' both map to {variable}.", nameof(values));
            }

            result.Add($"{variable}={text}");
        }

        return result;
    }

    /// <summary>The <c>params.json</c> object (indented UTF-8 JSON).</summary>
    /// <exception cref="FormatException">A value does not fit its parameter's type.</exception>
    public static byte[] ToJsonUtf8(IReadOnlyList<ParameterSpec> specs, IReadOnlyDictionary<string, string> values)
    {
        ArgumentNullException.ThrowIfNull(specs);
        ArgumentNullException.ThrowIfNull(values);
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            writer.WriteStartObject();
            foreach (var p in Typed(specs, values))
            {
                switch (p.Number)
                {
                    case long l:
                        writer.WriteNumber(p.Name, l);
                        break;
                    case double d:
                        writer.WriteNumber(p.Name, d);
                        break;
                    default:
                        writer.WriteString(p.Name, p.Text);
                        break;
                }
            }

            writer.WriteEndObject();
        }

        return buffer.ToArray();
    }

    /// <summary>The <c>params.json</c> object as a string.</summary>
    public static string ToJson(IReadOnlyList<ParameterSpec> specs, IReadOnlyDictionary<string, string> values) =>
        Encoding.UTF8.GetString(ToJsonUtf8(specs, values));

    private static List<(string Name, string Text, object? Number)> Typed(
        IReadOnlyList<ParameterSpec> specs, IReadOnlyDictionary<string, string> values)
    {
        var result = new List<(string, string, object?)>();
        var specified = new HashSet<string>(StringComparer.Ordinal);
        foreach (var spec in specs)
        {
            if (!specified.Add(spec.Name))
            {
                throw new ArgumentException($"Parameter '{spec.Name}' is declared twice.", nameof(specs));
            }

            var raw = values.TryGetValue(spec.Name, out var given) ? given : spec.Default;
            switch (spec.Type)
            {
                case ParameterType.Int:
                    var l = ParseInt(spec.Name, raw);
                    result.Add((spec.Name, l.ToString(CultureInfo.InvariantCulture), l));
                    break;
                case ParameterType.Float:
                    var d = ParseFloat(spec.Name, raw);
                    result.Add((spec.Name, d.ToString("R", CultureInfo.InvariantCulture), d));
                    break;
                default:
                    result.Add((spec.Name, raw ?? "", null));
                    break;
            }
        }

        foreach (var (name, value) in values.Where(kv => !specified.Contains(kv.Key)).OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            result.Add((name, value ?? "", null));
        }

        return result;
    }

    private static long ParseInt(string name, string? raw)
    {
        var text = raw?.Trim();
        if (long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var l))
        {
            return l;
        }

        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var d)
            && double.IsFinite(d) && d == Math.Floor(d) && Math.Abs(d) < 9e15)
        {
            return (long)d;
        }

        throw new FormatException($"Parameter '{name}' is an int but got '{raw}'.");
    }

    private static double ParseFloat(string name, string? raw)
    {
        if (double.TryParse(raw?.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && double.IsFinite(d))
        {
            return d;
        }

        throw new FormatException($"Parameter '{name}' is a float but got '{raw}'.");
    }
}
