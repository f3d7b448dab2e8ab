namespace AutoResearch.Edits;

/// <summary>Result of applying edits: the new file contents, or every problem found. Never both.</summary>
public sealed class EditOutcome
{
    private EditOutcome(IReadOnlyDictionary<string, string> files, IReadOnlyList<string> changedFiles, IReadOnlyList<string> problems)
    {
        Files = files;
        ChangedFiles = changedFiles;
        Problems = problems;
    }

    /// <summary>True when every edit applied and every limit held.</summary>
    public bool Succeeded => Problems.Count == 0;

    /// <summary>On success, every original file (same keys) with the edits applied; empty on failure.</summary>
    public IReadOnlyDictionary<string, string> Files { get; }

    /// <summary>On success, the keys of <see cref="Files"/> whose content differs from the original, in ordinal order; empty on failure.</summary>
    public IReadOnlyList<string> ChangedFiles { get; }

    /// <summary>On failure, what is wrong, one clear sentence each (fit to show the model); empty on success.</summary>
    public IReadOnlyList<string> Problems { get; }

    /// <summary>The problems as one text, one per line; null on success.</summary>
    public string? ErrorMessage => Succeeded ? null : string.Join("\n", Problems);

    /// <summary>A successful outcome.</summary>
    public static EditOutcome Success(IReadOnlyDictionary<string, string> files, IReadOnlyList<string> changedFiles)
    {
        ArgumentNullException.ThrowIfNull(files);
        ArgumentNullException.ThrowIfNull(changedFiles);
        return new(files, changedFiles, []);
    }

    /// <summary>A failed outcome; <paramref name="problems"/> must not be empty.</summary>
    public static EditOutcome Failure(IReadOnlyList<string> problems)
    {
        ArgumentNullException.ThrowIfNull(problems);
        if (problems.Count == 0) throw new ArgumentException("a failure needs at least one problem", nameof(problems));
        return new(new Dictionary<string, string>(StringComparer.Ordinal), [], problems);
    }

    /// <inheritdoc />
    public override string ToString() =>
        Succeeded ? $"changed {ChangedFiles.Count} file(s): {string.Join(", ", ChangedFiles)}" : "invalid edits: " + string.Join("; ", Problems);
}
