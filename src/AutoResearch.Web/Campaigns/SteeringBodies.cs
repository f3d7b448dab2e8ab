using System.Globalization;
using System.Text.Json;

namespace AutoResearch.Web.Campaigns;

/// <summary>Stop, approve or reject one experiment: why (recorded with it and in the journal).</summary>
public sealed record StopExperimentBody(string? Reason);

/// <summary>
/// New limits of a running campaign; a missing value stays as it is. <see cref="Deadline"/> is written as people say it
/// (<see cref="DeadlineParser"/>: <c>tomorrow 07:00</c>, <c>in 3h</c>, an ISO time), times of day in <see cref="TimeZone"/>.
/// </summary>
public sealed record LimitsBody(string? Deadline, int? MaxExperiments, int? Slots, string? Reason, string? TimeZone = null);

/// <summary>
/// A configuration to try next: parameter values by name (JSON strings, numbers or booleans), for <see cref="Agent"/> (none:
/// any agent still proposing). Parameters left out keep the benchmark's defaults.
/// </summary>
public sealed record ConfigurationBody(Dictionary<string, JsonElement>? Parameters, string? Agent, string? Reason)
{
    /// <summary>The values as the benchmark's space writes them (numbers in invariant culture).</summary>
    public Dictionary<string, string> Values() =>
        (Parameters ?? []).ToDictionary(p => p.Key, p => p.Value.ValueKind switch
        {
            JsonValueKind.String => p.Value.GetString() ?? "",
            JsonValueKind.Number => p.Value.GetRawText(),
            JsonValueKind.True => "true",
            JsonValueKind.False => "false",
            _ => p.Value.GetRawText(),
        }, StringComparer.Ordinal);

    /// <summary>Reads <c>name=value</c> lines or comma-separated pairs (the console's text box and the CLI's <c>--set</c>).</summary>
    public static Dictionary<string, string> ParsePairs(IEnumerable<string> pairs, out List<string> problems)
    {
        problems = [];
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var raw in pairs.SelectMany(p => p.Split([',', '\n', ';'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)))
        {
            var at = raw.IndexOf('=', StringComparison.Ordinal);
            if (at <= 0)
            {
                problems.Add(string.Create(CultureInfo.InvariantCulture, $"'{raw}' is not name=value"));
                continue;
            }
            values[raw[..at].Trim()] = raw[(at + 1)..].Trim();
        }
        return values;
    }
}
