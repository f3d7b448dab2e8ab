using System.Globalization;
using AutoResearch.Abstractions.Specs;

namespace AutoResearch.Abstractions.Experiments;

/// <summary>Checks a proposal before anything runs: every parameter declared and in range, edits only to editable files inside the workspace.</summary>
public static class ProposalValidator
{
    /// <summary>Largest edited file accepted.</summary>
    public const int MaxEditedFileBytes = 512 * 1024;

    /// <summary>Null when valid, else what is wrong.</summary>
    public static string? Validate(BenchmarkSpec benchmark, Proposal proposal)
    {
        var problems = new List<string>();
        foreach (var spec in benchmark.Parameters)
        {
            if (!proposal.Parameters.TryGetValue(spec.Name, out var raw))
            {
                problems.Add($"parameter '{spec.Name}' is missing");
                continue;
            }
            if (CheckValue(spec, raw) is { } problem) problems.Add(problem);
        }
        foreach (var name in proposal.Parameters.Keys.Where(k => benchmark.Parameters.All(p => p.Name != k)))
            problems.Add($"parameter '{name}' is not declared by benchmark {benchmark.Name}");

        foreach (var (path, content) in proposal.EditedFiles)
        {
            var normalized = path.Replace('\\', '/');
            if (Path.IsPathRooted(normalized) || normalized.Split('/').Contains(".."))
                problems.Add($"edit of '{path}' leaves the workspace");
            else if (!benchmark.Editable.Contains(normalized, StringComparer.Ordinal))
                problems.Add($"'{path}' is not editable (editable: {string.Join(", ", benchmark.Editable)})");
            else if (System.Text.Encoding.UTF8.GetByteCount(content) > MaxEditedFileBytes)
                problems.Add($"edited '{path}' is larger than {MaxEditedFileBytes} bytes");
        }
        return problems.Count == 0 ? null : "invalid proposal: " + string.Join("; ", problems);
    }

    private static string? CheckValue(ParameterSpec spec, string raw)
    {
        if (spec.Type == ParameterType.Choice)
            return spec.Choices.Contains(raw, StringComparer.Ordinal) ? null : $"parameter '{spec.Name}'='{raw}' is not one of {string.Join("|", spec.Choices)}";
        if (!double.TryParse(raw, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || !double.IsFinite(value))
            return $"parameter '{spec.Name}'='{raw}' is not a number";
        if (spec.Type == ParameterType.Int && Math.Abs(value - Math.Round(value)) > 1e-9)
            return $"parameter '{spec.Name}'='{raw}' is not an integer";
        if ((spec.Min is { } min && value < min) || (spec.Max is { } max && value > max))
            return $"parameter '{spec.Name}'={raw} is outside [{spec.Min}, {spec.Max}]";
        return null;
    }
}
