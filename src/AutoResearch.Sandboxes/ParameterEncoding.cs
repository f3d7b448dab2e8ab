using System.Globalization;
using System.Text;
using System.Text.Json;
using AutoResearch.Abstractions.Parameters;
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
        IReadOnlyList<ParameterSpec> specs, ParameterSet values)
    {
        ArgumentNullException.ThrowIfNull(specs);
        ArgumentNullException.ThrowIfNull(values);
        return Typed(specs, values).Select(p => KeyValuePair.Create(p.Name, p.Text)).ToList();
    }

    /// <summary><c>AR_PARAM_&lt;NAME&gt;=value</c> entries, one per parameter.</summary>
    /// <exception cref="FormatException">A value does not fit its parameter's type.</exception>
    /// <exception cref="ArgumentException">Two parameter names map to the same variable.</exception>
    public static IReadOnlyList<string> ToEnvironment(
        IReadOnlyList<ParameterSpec> specs, ParameterSet values)
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
    public static byte[] ToJsonUtf8(IReadOnlyList<ParameterSpec> specs, ParameterSet values)
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
    public static string ToJson(IReadOnlyList<ParameterSpec> specs, ParameterSet values) =>
        Encoding.UTF8.GetString(ToJsonUtf8(specs, values));

    private static List<(string Name, string Text, object? Number)> Typed(
        IReadOnlyList<ParameterSpec> specs, ParameterSet values)
    {
        var result = new List<(string, string, object?)>();
        var specified = new HashSet<string>(StringComparer.Ordinal);
        foreach (var spec in specs)
        {
            if (!specified.Add(spec.Name))
            {
                throw new ArgumentException($"Parameter '{spec.Name}' is declared twice.", nameof(specs));
            }

            var value = values.ValueOrDefault(spec);
            switch (spec.Type)
            {
                case ParameterType.Int:
                    if (!value.IsNumber || value.AsNumber != Math.Floor(value.AsNumber))
                    {
                        throw new FormatException($"Parameter '{spec.Name}' is an int but got '{value.Text}'.");
                    }

                    result.Add((spec.Name, value.AsInteger.ToString(CultureInfo.InvariantCulture), value.AsInteger));
                    break;
                case ParameterType.Float:
                    if (!value.IsNumber)
                    {
                        throw new FormatException($"Parameter '{spec.Name}' is a float but got '{value.Text}'.");
                    }

                    result.Add((spec.Name, value.AsNumber.ToString("R", CultureInfo.InvariantCulture), value.AsNumber));
                    break;
                default:
                    result.Add((spec.Name, value.Text, null));
                    break;
            }
        }

        foreach (var (name, value) in values.Where(kv => !specified.Contains(kv.Key)))
        {
            result.Add((name, value.Text, null));
        }

        return result;
    }
}
