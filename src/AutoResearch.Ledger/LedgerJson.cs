using System.Text.Json;
using System.Text.Json.Serialization;

namespace AutoResearch.Ledger;

/// <summary>The JSON settings of the ledger's JSON columns (spec, parameters, metrics, edited files).</summary>
public static class LedgerJson
{
    /// <summary>Enums as names; NaN and infinities allowed (a diverged loss is a real metric value).</summary>
    public static JsonSerializerOptions Options { get; } = new(JsonSerializerDefaults.General)
    {
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        Converters = { new JsonStringEnumConverter() },
        WriteIndented = false,
    };

    public static string Serialize<T>(T value) => JsonSerializer.Serialize(value, Options);

    public static T Deserialize<T>(string json, string what) =>
        JsonSerializer.Deserialize<T>(json, Options)
        ?? throw new InvalidDataException($"Ledger: the stored {what} is null.");
}
