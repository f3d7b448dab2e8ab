using AutoResearch.Abstractions.Parameters;
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
    public static IReadOnlyList<ParameterProblem> ParameterProblems(BenchmarkSpec benchmark, ParameterSet values, bool requireAll = true)
    {
        var problems = new List<ParameterProblem>();
        foreach (var spec in benchmark.Parameters)
        {
            if (!values.TryGetValue(spec.Name, out var value))
            {
                if (requireAll) problems.Add(new ParameterProblem(spec.Name, $"parameter '{spec.Name}' is missing"));
                continue;
            }
            if (CheckValue(spec, value) is { } problem) problems.Add(new ParameterProblem(spec.Name, problem));
        }
        foreach (var name in values.Keys.Where(k => benchmark.Parameters.All(p => p.Name != k)))
            problems.Add(new ParameterProblem(name, $"parameter '{name}' is not declared by benchmark {benchmark.Name} (its parameters: {string.Join(", ", benchmark.Parameters.Select(p => p.Name))})"));
        return problems;
    }

    /// <summary>
    /// The parsing edge for name → text a person or a model gave: the values that fit <paramref name="benchmark"/>'s space,
    /// typed, and each problem (the parameter's name and what is wrong).
    /// </summary>
    public static ParameterSet ParseParameters(BenchmarkSpec benchmark, IEnumerable<KeyValuePair<string, string>> values, bool requireAll,
        out IReadOnlyList<ParameterProblem> problems) =>
        ParameterSet.TryParse(values, benchmark.Parameters, requireAll, out problems, benchmark.Name);

    /// <summary>What is wrong with a typed value for <paramref name="spec"/> (a value stored or proposed without the space at hand), or null.</summary>
    public static string? CheckValue(ParameterSpec spec, ParameterValue value)
    {
        if (spec.Type == ParameterType.Choice)
            return spec.Choices.Contains(value.Text, StringComparer.Ordinal) ? null : $"parameter '{spec.Name}'='{value.Text}' is not one of {string.Join("|", spec.Choices)}";
        if (!value.IsNumber)
            return $"parameter '{spec.Name}'='{value.Text}' is not a number";
        return ParameterValue.TryNumber(spec, value.AsNumber, value.Text, out _, out var problem) ? null : problem;
    }
}

/// <summary>What is wrong with one parameter value (<see cref="ProposalValidator.ParameterProblems"/>).</summary>
public sealed record ParameterProblem(string Name, string Message);
