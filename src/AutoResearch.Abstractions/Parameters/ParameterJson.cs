using System.Text.Json;
using System.Text.Json.Serialization;

namespace AutoResearch.Abstractions.Parameters;

/// <summary>
/// JSON of a <see cref="ParameterValue"/>: its canonical text, a string (the form every JSON view and file has carried);
/// read back with <see cref="ParameterValue.FromStored"/>.
/// </summary>
public sealed class ParameterValueJsonConverter : JsonConverter<ParameterValue>
{
    public override ParameterValue Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => reader.TokenType switch
    {
        JsonTokenType.String => ParameterValue.FromStored(reader.GetString()!),
        JsonTokenType.Number => reader.TryGetInt64(out var integer) && Math.Abs(integer) <= ParameterValue.MaxExactInteger
            ? ParameterValue.Integer(integer) : ParameterValue.Real(reader.GetDouble()),
        _ => throw new JsonException($"a parameter value is a string or a number, not {reader.TokenType}"),
    };

    public override void Write(Utf8JsonWriter writer, ParameterValue value, JsonSerializerOptions options) => writer.WriteStringValue(value.Text);
}

/// <summary>JSON of a <see cref="ParameterSet"/>: an object of name → canonical text, ordered by name (the ledger's and the API's form).</summary>
public sealed class ParameterSetJsonConverter : JsonConverter<ParameterSet>
{
    private static readonly ParameterValueJsonConverter Values = new();

    public override ParameterSet Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.StartObject) throw new JsonException($"parameters are a JSON object of name → value, not {reader.TokenType}");
        var items = new List<KeyValuePair<string, ParameterValue>>();
        while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
        {
            var name = reader.GetString()!;
            reader.Read();
            items.Add(KeyValuePair.Create(name, Values.Read(ref reader, typeof(ParameterValue), options)));
        }
        return ParameterSet.Create([.. items]);
    }

    public override void Write(Utf8JsonWriter writer, ParameterSet value, JsonSerializerOptions options)
    {
        writer.WriteStartObject();
        foreach (var (name, v) in value) writer.WriteString(name, v.Text);
        writer.WriteEndObject();
    }
}
