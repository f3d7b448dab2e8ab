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
        var problems = ParameterProblems(benchmark, proposal.Parameters).Select(p => p.Message).ToList();

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

    /// <summary>
    /// Each parameter's problem (its name and what is wrong): undeclared, not a number or integer, out of bounds, not one of
    /// the choices, and (with <paramref name="requireAll"/>) missing. Empty when the values fit the benchmark's space.
    /// </summary>
    public static IReadOnlyList<ParameterProblem> ParameterProblems(BenchmarkSpec benchmark, IReadOnlyDictionary<string, string> values, bool requireAll = true)
    {
        var problems = new List<ParameterProblem>();
        foreach (var spec in benchmark.Parameters)
        {
            if (!values.TryGetValue(spec.Name, out var raw))
            {
                if (requireAll) problems.Add(new ParameterProblem(spec.Name, $"parameter '{spec.Name}' is missing"));
                continue;
            }
            if (CheckValue(spec, raw) is { } problem) problems.Add(new ParameterProblem(spec.Name, problem));
        }
        foreach (var name in values.Keys.Where(k => benchmark.Parameters.All(p => p.Name != k)))
            problems.Add(new ParameterProblem(name, $"parameter '{name}' is not declared by benchmark {benchmark.Name} (its parameters: {string.Join(", ", benchmark.Parameters.Select(p => p.Name))})"));
        return problems;
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

/// <summary>What is wrong with one parameter value (<see cref="ProposalValidator.ParameterProblems"/>).</summary>
public sealed record ParameterProblem(string Name, string Message);
