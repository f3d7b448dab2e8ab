using System.Formats.Tar;
using System.Text.Json;
using AutoResearch.Abstractions.Experiments;

namespace AutoResearch.Sandboxes;

/// <summary>Reads <c>result.json</c> (<c>{"metrics": {"name": number, ...}}</c>) out of the tar Docker returns for it.</summary>
internal static class ResultFile
{
    /// <summary>Largest result file read.</summary>
    public const int MaxBytes = 1024 * 1024;

    public static async Task<ResultFileContent> ReadAsync(Stream tar, CancellationToken cancellationToken)
    {
        await using var reader = new TarReader(tar, leaveOpen: true);
        while (await reader.GetNextEntryAsync(copyData: false, cancellationToken) is { } entry)
        {
            if (entry.EntryType is not (TarEntryType.RegularFile or TarEntryType.V7RegularFile))
            {
                continue;
            }

            if (entry.Length > MaxBytes)
            {
                return new ResultFileContent([], [$"{ContainerParametersBuilder.ResultFileName} is larger than {MaxBytes} bytes; ignored"]);
            }

            using var buffer = new MemoryStream();
            if (entry.DataStream is { } data)
            {
                await data.CopyToAsync(buffer, cancellationToken);
            }

            return Parse(buffer.ToArray());
        }

        return new ResultFileContent([], []);
    }

    public static ResultFileContent Parse(ReadOnlySpan<byte> json)
    {
        var name = ContainerParametersBuilder.ResultFileName;
        JsonDocument document;
        try
        {
            var reader = new Utf8JsonReader(json, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
            document = JsonDocument.ParseValue(ref reader);
        }
        catch (JsonException ex)
        {
            return new ResultFileContent([], [$"{name} is not valid JSON ({ex.Message}); NaN/Infinity are not JSON numbers"]);
        }

        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object
                || !document.RootElement.TryGetProperty("metrics", out var metrics)
                || metrics.ValueKind != JsonValueKind.Object)
            {
                return new ResultFileContent([], [$"{name} has no \"metrics\" object"]);
            }

            var points = new List<MetricPoint>();
            var problems = new List<string>();
            foreach (var property in metrics.EnumerateObject())
            {
                var ok = property.Value.ValueKind switch
                {
                    JsonValueKind.Number => property.Value.TryGetDouble(out var d) && double.IsFinite(d) ? d : (double?)null,
                    JsonValueKind.String => MetricLineParser.TryParseValue(property.Value.GetString(), out var s) ? s : null,
                    _ => null,
                };
                if (ok is { } value)
                {
                    points.Add(new MetricPoint { Name = property.Name, Value = value });
                }
                else
                {
                    problems.Add($"{name}: {property.Name}={property.Value.GetRawText()} is not a finite number");
                }
            }

            return new ResultFileContent(points, problems);
        }
    }
}
