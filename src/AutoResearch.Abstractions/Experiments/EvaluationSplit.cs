namespace AutoResearch.Abstractions.Experiments;

/// <summary>Which evaluation a sandbox run scores on; passed to it as <c>AR_EVAL</c>.</summary>
[GenerateSerializer, Alias("AutoResearch.EvaluationSplit")]
public enum EvaluationSplit
{
    /// <summary>The evaluation the campaign tunes on (<c>AR_EVAL=tune</c>).</summary>
    Tuning = 0,

    /// <summary>The benchmark's held-out evaluation, never used to select results (<c>AR_EVAL=holdout</c>).</summary>
    Holdout = 1,
}
