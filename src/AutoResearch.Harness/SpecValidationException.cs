namespace AutoResearch.Harness;

/// <summary>
/// Thrown when one or more spec files (benchmark, campaign, agent role) are invalid. <see cref="Errors"/> holds
/// every problem found, across all files involved; <see cref="Exception.Message"/> lists them one per line.
/// </summary>
public sealed class SpecValidationException : Exception
{
    public SpecValidationException(IReadOnlyList<SpecError> errors)
        : base(Format(errors))
    {
        ArgumentNullException.ThrowIfNull(errors);
        if (errors.Count == 0)
        {
            throw new ArgumentException("A validation exception needs at least one error.", nameof(errors));
        }

        Errors = [.. errors];
    }

    /// <summary>Every error found, in the order found.</summary>
    public IReadOnlyList<SpecError> Errors { get; }

    private static string Format(IReadOnlyList<SpecError> errors) =>
        errors is null ? "" : string.Join(Environment.NewLine, errors.Select(e => e.ToString()));
}
