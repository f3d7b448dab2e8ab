using System.Globalization;
using System.Text.RegularExpressions;
using AutoResearch.Abstractions.Experiments;

namespace AutoResearch.Sandboxes;

/// <summary>
/// Parses metric lines a run prints: <c>METRIC name=value [name2=value2 ...] [step=N]</c>.
/// Whitespace-tolerant (leading blanks, tabs, blanks around <c>=</c>); <c>step</c> applies to every value on the line;
/// values must be finite numbers (invariant culture); anything else is ignored and reported in <see cref="MetricLineParseResult.Problems"/>.
/// </summary>
public static partial class MetricLineParser
{
    /// <summary>The keyword a metric line starts with.</summary>
    public const string Keyword = "METRIC";

    /// <summary>The reserved key carrying the step of the line's values.</summary>
    public const string StepKey = "step";

    /// <summary>Parses one line (without its newline). Lines not starting with <see cref="Keyword"/> give <see cref="MetricLineParseResult.NotMetric"/>.</summary>
    public static MetricLineParseResult Parse(string? line)
    {
        if (line is null)
        {
            return MetricLineParseResult.NotMetric;
        }

        var span = line.AsSpan().Trim();
        if (!span.StartsWith(Keyword, StringComparison.Ordinal)
            || (span.Length > Keyword.Length && !char.IsWhiteSpace(span[Keyword.Length]) && span[Keyword.Length] != ':'))
        {
            return MetricLineParseResult.NotMetric;
        }

        var body = span[Keyword.Length..].TrimStart(':').ToString();
        var problems = new List<string>();
        var pairs = new List<(string Name, string Value)>();
        var consumed = 0;
        foreach (Match match in Pair().Matches(body))
        {
            var gap = body[consumed..match.Index];
            if (!string.IsNullOrWhiteSpace(gap))
            {
                problems.Add($"ignored '{gap.Trim()}' (expected name=value)");
            }

            consumed = match.Index + match.Length;
            pairs.Add((match.Groups["name"].Value, match.Groups["value"].Value));
        }

        var rest = body[consumed..];
        if (!string.IsNullOrWhiteSpace(rest))
        {
            problems.Add($"ignored '{rest.Trim()}' (expected name=value)");
        }

        long? step = null;
        foreach (var (name, value) in pairs.Where(p => p.Name == StepKey))
        {
            if (TryParseStep(value, out var parsed))
            {
                step = parsed;
            }
            else
            {
                problems.Add($"step '{value}' is not an integer");
            }
        }

        var points = new List<MetricPoint>();
        foreach (var (name, value) in pairs.Where(p => p.Name != StepKey))
        {
            if (TryParseValue(value, out var number))
            {
                points.Add(new MetricPoint { Name = name, Value = number, Step = step });
            }
            else
            {
                problems.Add($"{name}={value} is not a finite number");
            }
        }

        if (pairs.Count == 0 && problems.Count == 0)
        {
            problems.Add("metric line without name=value pairs");
        }

        return new MetricLineParseResult(true, points, problems);
    }

    /// <summary>Parses a metric value: a finite number in invariant culture (no NaN or infinity).</summary>
    public static bool TryParseValue(string? text, out double value)
    {
        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out value) && double.IsFinite(value))
        {
            return true;
        }

        value = 0;
        return false;
    }

    private static bool TryParseStep(string text, out long step)
    {
        if (long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out step))
        {
            return true;
        }

        // Tolerate "100.0" or "1e3" as long as the value is integral.
        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var d)
            && double.IsFinite(d) && d == Math.Floor(d) && Math.Abs(d) < 9e15)
        {
            step = (long)d;
            return true;
        }

        step = 0;
        return false;
    }

    // A value never swallows the next "name=": "loss= acc=1" gives an empty loss and acc=1.
    [GeneratedRegex(@"(?<name>[A-Za-z_][A-Za-z0-9_.\-/]*)\s*=(?:\s*(?<value>(?>[^\s=]+))(?!\s*=))?")]
    private static partial Regex Pair();
}
