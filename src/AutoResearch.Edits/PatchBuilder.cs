namespace AutoResearch.Edits;

/// <summary>A file patch while its hunks are being read.</summary>
internal sealed class PatchBuilder(int line, string? oldPath, string? newPath)
{
    /// <summary>0-based line of the <c>---</c> header.</summary>
    public int Line { get; } = line;

    public string? OldPath { get; } = oldPath;

    public string? NewPath { get; } = newPath;

    public List<DiffHunk> Hunks { get; } = [];

    /// <summary>True when one of its hunks was malformed (already reported): the patch is dropped rather than half applied.</summary>
    public bool Broken { get; set; }
}
