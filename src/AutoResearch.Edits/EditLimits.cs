namespace AutoResearch.Edits;

/// <summary>Size limits on a model's edits, checked by <see cref="EditApplier"/>.</summary>
public sealed record EditLimits
{
    /// <summary>The defaults: 8 files, 256 KiB per resulting file, 128 KiB of edit text.</summary>
    public static EditLimits Default { get; } = new();

    /// <summary>No limits (re-applying a stored diff).</summary>
    public static EditLimits Unlimited { get; } = new() { MaxFiles = int.MaxValue, MaxFileBytes = int.MaxValue, MaxEditBytes = int.MaxValue };

    /// <summary>Most distinct files one answer may edit.</summary>
    public int MaxFiles { get; init; } = 8;

    /// <summary>Largest UTF-8 size of a file after the edits.</summary>
    public int MaxFileBytes { get; init; } = 256 * 1024;

    /// <summary>Largest UTF-8 size of all edits' own text together (see <see cref="FileEdit.ContentBytes"/>); prose around them is not counted.</summary>
    public int MaxEditBytes { get; init; } = 128 * 1024;
}
