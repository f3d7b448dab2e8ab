namespace AutoResearch.Harness;

/// <summary>
/// One problem found in a spec file: the file, the field (a path such as <c>parameters.lr.max</c> or
/// <c>agents[1].role</c>; <c>(file)</c> for the file as a whole, <c>(yaml)</c> for syntax) and what is wrong.
/// </summary>
public sealed record SpecError(string File, string Field, string Message)
{
    /// <summary>1-based line of the offending YAML node, when known.</summary>
    public int? Line { get; init; }

    /// <summary>1-based column of the offending YAML node, when known.</summary>
    public int? Column { get; init; }

    /// <summary><c>file: field: message</c>, with <c>(line L, column C)</c> appended when the position is known.</summary>
    public override string ToString() =>
        Line is { } line
            ? $"{File}: {Field}: {Message} (line {line}, column {Column ?? 1})"
            : $"{File}: {Field}: {Message}";
}
