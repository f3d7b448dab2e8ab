namespace AutoResearch.Sandboxes;

/// <summary>What <see cref="ArtifactExtractor"/> copied and what it skipped; filled as it goes, so a cut copy keeps its counts.</summary>
internal sealed class ArtifactCopyOutcome
{
    private const int MaxListed = 10;

    private readonly List<string> _skipped = [];

    public int Files { get; set; }

    public long Bytes { get; set; }

    /// <summary>Files (and links, devices...) not copied, all of them.</summary>
    public int SkippedCount { get; private set; }

    /// <summary>The first few skipped entries with why (sanitized names).</summary>
    public IReadOnlyList<string> Skipped => _skipped;

    /// <summary>The first cap that stopped the copy; <see cref="ArtifactLimit.None"/> when none did.</summary>
    public ArtifactLimit Limit { get; set; }

    /// <summary>Files skipped because a cap was reached (a subset of <see cref="SkippedCount"/>).</summary>
    public int SkippedByLimit { get; set; }

    /// <summary>Whether some regular file of <c>out/</c> was not copied because of a cap or the clock.</summary>
    public bool Truncated => Limit != ArtifactLimit.None;

    public void Skip(string what)
    {
        SkippedCount++;
        if (_skipped.Count < MaxListed)
        {
            _skipped.Add(what);
        }
    }
}
