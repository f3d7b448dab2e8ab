using System.Globalization;
using System.Text;
using System.Text.Json;

namespace AutoResearch.Web.Campaigns;

/// <summary>The experiments table's exports: CSV (one column per parameter, RFC 4180 quoting) and a JSON array, written as the rows arrive.</summary>
public static class ExperimentExport
{
    private static readonly string[] FixedColumns =
        ["sequence", "id", "agent", "kind", "status", "verdict", "objective", "queued_at", "started_at", "ended_at", "seconds", "hypothesis", "reason"];

    public static string FileName(string campaignId, string format)
    {
        var safe = new string(campaignId.Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' ? c : '_').ToArray());
        return $"{safe}-experiments.{format}";
    }

    /// <summary>
    /// CSV with a header row; parameter columns (<c>param.NAME</c>) are those of the first 1,000 rows, in name order, and a
    /// later row's other parameters go to a last <c>other_parameters</c> column as JSON, so every value is exported.
    /// </summary>
    public static async Task WriteCsvAsync(Stream output, IAsyncEnumerable<ExperimentSummary> rows, CancellationToken cancellationToken)
    {
        await using var writer = new StreamWriter(output, new UTF8Encoding(false), 1 << 16, leaveOpen: true);
        var buffer = new List<ExperimentSummary>();
        List<string>? names = null;
        await foreach (var row in rows.WithCancellation(cancellationToken))
        {
            if (names is null)
            {
                buffer.Add(row);
                if (buffer.Count < 1000) continue;
                names = await HeaderAsync(writer, buffer);
                foreach (var b in buffer) await WriteRowAsync(writer, b, names);
                buffer.Clear();
                continue;
            }
            await WriteRowAsync(writer, row, names);
        }

        if (names is null)
        {
            names = await HeaderAsync(writer, buffer);
            foreach (var b in buffer) await WriteRowAsync(writer, b, names);
        }
        await writer.FlushAsync(cancellationToken);
    }

    /// <summary>A JSON array of the rows, serialized into a buffer and written to <paramref name="output"/> asynchronously in chunks.</summary>
    public static async Task WriteJsonAsync(Stream output, IAsyncEnumerable<ExperimentSummary> rows, CancellationToken cancellationToken)
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web);
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(1 << 16);
        await using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartArray();
            await foreach (var row in rows.WithCancellation(cancellationToken))
            {
                JsonSerializer.Serialize(json, row, options); // flushes into the buffer, never the response
                if (buffer.WrittenCount < 1 << 16) continue;
                await output.WriteAsync(buffer.WrittenMemory, cancellationToken);
                buffer.ResetWrittenCount();
            }
            json.WriteEndArray();
        }
        await output.WriteAsync(buffer.WrittenMemory, cancellationToken);
    }

    private static async Task<List<string>> HeaderAsync(StreamWriter writer, IReadOnlyList<ExperimentSummary> first)
    {
        var names = first.SelectMany(r => r.Parameters.Keys).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        await writer.WriteLineAsync(string.Join(",", FixedColumns.Concat(names.Select(n => "param." + n)).Append("other_parameters").Select(Field)));
        return names;
    }

    private static Task WriteRowAsync(StreamWriter writer, ExperimentSummary r, List<string> names)
    {
        var known = names.ToHashSet(StringComparer.Ordinal);
        var other = r.Parameters.Where(p => !known.Contains(p.Key)).ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal);
        var fields = new List<string>
        {
            r.Sequence.ToString(CultureInfo.InvariantCulture), r.Id, r.Agent, r.Kind, r.Status, r.Verdict,
            r.Objective?.ToString("R", CultureInfo.InvariantCulture) ?? "",
            Time(r.QueuedAt), r.StartedAt is { } s ? Time(s) : "", r.EndedAt is { } e ? Time(e) : "",
            r.Seconds?.ToString("0.###", CultureInfo.InvariantCulture) ?? "", r.Hypothesis, r.Reason ?? "",
        };
        fields.AddRange(names.Select(n => r.Parameters.Get(n)?.Text ?? ""));
        fields.Add(other.Count == 0 ? "" : JsonSerializer.Serialize(other));
        return writer.WriteLineAsync(string.Join(",", fields.Select(Field)));
    }

    private static string Time(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    /// <summary>RFC 4180: quoted when it holds a comma, quote or line break; a leading =, +, - or @ is prefixed with ' so spreadsheets do not run it.</summary>
    public static string Field(string value)
    {
        if (value.Length > 0 && value[0] is '=' or '+' or '@' or '-' or '\t' or '\r' && !double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out _))
            value = "'" + value;
        return value.IndexOfAny([',', '"', '\n', '\r']) >= 0 ? "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : value;
    }
}
