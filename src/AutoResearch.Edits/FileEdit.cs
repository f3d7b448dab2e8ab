namespace AutoResearch.Edits;

/// <summary>One edit a model wrote against one file: a <see cref="SearchReplaceEdit"/> or a <see cref="FilePatch"/>.</summary>
/// <param name="Number">1-based position of the edit in the model's answer (both formats counted together), used in messages.</param>
/// <param name="Path">The file the edit targets, as the model wrote it (not yet validated).</param>
public abstract record FileEdit(int Number, string Path)
{
    /// <summary>UTF-8 size of the edit's own text (search, replacement, hunk lines), checked against <see cref="EditLimits.MaxEditBytes"/>.</summary>
    public abstract int ContentBytes { get; }
}
