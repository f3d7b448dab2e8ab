using AutoResearch.Abstractions.Experiments;

namespace AutoResearch.Evaluation;

/// <summary>What <see cref="AcceptanceJudge"/> decided about a candidate.</summary>
/// <param name="Verdict">Accepted, Confirming (needs more runs), WithinNoise or NotBetter.</param>
/// <param name="Confidence">Probability (0..1) that the candidate is really better than the best.</param>
/// <param name="Margin">The improvement it had to exceed, in objective units (0 without measured noise).</param>
/// <param name="Improvement">How much better its mean is than the best's (negative when worse), in objective units.</param>
/// <param name="CandidateMean">Mean over the candidate's runs.</param>
/// <param name="CandidateStdDev">Sample standard deviation of the candidate's runs; null with a single run.</param>
public sealed record AcceptanceResult(
    AcceptanceVerdict Verdict, double Confidence, double Margin, double Improvement, double CandidateMean, double? CandidateStdDev);
