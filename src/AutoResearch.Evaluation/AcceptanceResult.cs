using AutoResearch.Abstractions.Experiments;

namespace AutoResearch.Evaluation;

/// <summary>What <see cref="AcceptanceJudge"/> decided about a candidate.</summary>
/// <param name="Verdict">Accepted, Confirming (needs more runs), WithinNoise (better, but not enough) or NotBetter.</param>
/// <param name="Reason">The rule that decided: <see cref="AcceptanceReason.Confidence"/> (a test against the measured noise) or
/// <see cref="AcceptanceReason.MinimumImprovement"/> (no confidence can be measured); meaningful for every verdict.</param>
/// <param name="Confidence">Campaign-wide confidence (0..1, corrected for the comparisons made) that the candidate is really
/// better; null when no test was made (no usable noise estimate, or a screening run that only decides on confirmation).</param>
/// <param name="Margin">The improvement it had to exceed, in objective units (the noise margin at the corrected level, or the
/// minimum improvement).</param>
/// <param name="Improvement">How much better its mean is than the best's (negative when worse), in objective units.</param>
/// <param name="CandidateMean">Mean over the candidate's runs.</param>
/// <param name="CandidateStdDev">Sample standard deviation of the candidate's runs; null with a single run.</param>
/// <param name="Tested">True when this judgement was a confidence test that counts towards the comparisons corrected for.</param>
public sealed record AcceptanceResult(
    AcceptanceVerdict Verdict, AcceptanceReason Reason, double? Confidence, double Margin, double Improvement, double CandidateMean,
    double? CandidateStdDev, bool Tested = false);
