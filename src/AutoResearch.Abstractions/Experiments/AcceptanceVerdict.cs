namespace AutoResearch.Abstractions.Experiments;

/// <summary>The campaign's judgement of a finished result against the best so far and the measured noise.</summary>
[GenerateSerializer, Alias("AutoResearch.AcceptanceVerdict")]
public enum AcceptanceVerdict
{
    /// <summary>Failed, pruned, a repeat (its group is judged instead), or not judged yet.</summary>
    NotJudged = 0,

    /// <summary>The first baseline: the first entry of the leaderboard.</summary>
    Baseline = 1,

    /// <summary>Beat the best by more than the noise margin (possibly after confirmation runs): the new best.</summary>
    Accepted = 2,

    /// <summary>Better than the best but inside the noise margin; confirmation runs are queued.</summary>
    Confirming = 3,

    /// <summary>Better than the best on its own runs, but not by more than the noise margin (after any confirmation).</summary>
    WithinNoise = 4,

    /// <summary>Not better than the best.</summary>
    NotBetter = 5,
}
