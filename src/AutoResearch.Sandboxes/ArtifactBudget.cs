using System.Collections.Concurrent;

namespace AutoResearch.Sandboxes;

/// <summary>Which cap stopped an artifact copy.</summary>
internal enum ArtifactLimit
{
    None,
    RunFiles,
    RunBytes,
    CampaignFiles,
    CampaignBytes,
    TimeLimit,
}

/// <summary>Artifact files and bytes copied so far for each campaign, by this runner (process lifetime).</summary>
internal sealed class CampaignArtifactUsage
{
    private readonly ConcurrentDictionary<string, Usage> _campaigns = new(StringComparer.Ordinal);

    /// <summary>The counter of <paramref name="campaignId"/> (created empty).</summary>
    public Usage For(string campaignId) => _campaigns.GetOrAdd(campaignId, _ => new Usage());

    internal sealed class Usage
    {
        private readonly Lock _gate = new();

        public long Files { get; private set; }

        public long Bytes { get; private set; }

        /// <summary>Charges one file of <paramref name="bytes"/> if both stay within the caps; else says which cap it would pass.</summary>
        public ArtifactLimit TryCharge(long bytes, long maxFiles, long maxBytes)
        {
            lock (_gate)
            {
                if (Files + 1 > maxFiles)
                {
                    return ArtifactLimit.CampaignFiles;
                }

                if (Bytes + bytes > maxBytes)
                {
                    return ArtifactLimit.CampaignBytes;
                }

                Files++;
                Bytes += bytes;
                return ArtifactLimit.None;
            }
        }
    }
}

/// <summary>The caps one artifact copy runs under: files and bytes per run, and what is left of its campaign's.</summary>
internal sealed class ArtifactBudget(int maxFiles, long maxBytes, CampaignArtifactUsage.Usage? campaign = null, long campaignMaxFiles = long.MaxValue, long campaignMaxBytes = long.MaxValue)
{
    public int MaxFiles { get; } = maxFiles;

    public long MaxBytes { get; } = maxBytes;

    public long CampaignMaxFiles { get; } = campaignMaxFiles;

    public long CampaignMaxBytes { get; } = campaignMaxBytes;

    /// <summary>Takes one file of <paramref name="bytes"/> given what the run copied so far; <see cref="ArtifactLimit.None"/> when it fits.</summary>
    public ArtifactLimit TryTake(int filesSoFar, long bytesSoFar, long bytes)
    {
        if (filesSoFar + 1 > MaxFiles)
        {
            return ArtifactLimit.RunFiles;
        }

        if (bytesSoFar + bytes > MaxBytes)
        {
            return ArtifactLimit.RunBytes;
        }

        return campaign?.TryCharge(bytes, CampaignMaxFiles, CampaignMaxBytes) ?? ArtifactLimit.None;
    }

    /// <summary>Words for a note about <paramref name="limit"/>.</summary>
    public string Describe(ArtifactLimit limit) => limit switch
    {
        ArtifactLimit.RunFiles => $"the per-run limit of {MaxFiles} artifact files was reached",
        ArtifactLimit.RunBytes => $"the per-run limit of {MaxBytes} artifact bytes was reached",
        ArtifactLimit.CampaignFiles => $"the campaign's limit of {CampaignMaxFiles} artifact files was reached",
        ArtifactLimit.CampaignBytes => $"the campaign's limit of {CampaignMaxBytes} artifact bytes was reached",
        ArtifactLimit.TimeLimit => "the copy ran out of time (time limit plus grace)",
        _ => "",
    };
}
