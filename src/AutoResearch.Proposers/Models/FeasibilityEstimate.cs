namespace AutoResearch.Proposers.Models;

/// <summary>
/// Probability that a run at a point fails, from the failed and successful runs around it: a kernel-weighted share of
/// failures (Nadaraya–Watson with a Matérn-5/2 kernel on the surrogate model's length scales, capped), shrunk towards the campaign's
/// overall failure rate by one pseudo-run. Near a failure it approaches 1, near successes 0, far from both the
/// overall rate. Expected improvement is multiplied by the probability of success, so failures steer the search
/// away from their region, on top of the regression's imputed poor value there.
/// </summary>
internal sealed class FeasibilityEstimate
{
    private const double PriorWeight = 1.0;
    private readonly IReadOnlyList<double[]> points;
    private readonly bool[] failed;
    private readonly double[] inverseSquaredLengths;
    private readonly double prior;

    public FeasibilityEstimate(IReadOnlyList<double[]> points, bool[] failed, double[] logLengthScales)
    {
        this.points = points;
        this.failed = failed;
        inverseSquaredLengths = logLengthScales.Select(l => Math.Exp(-2 * l)).ToArray();
        prior = (failed.Count(f => f) + 0.5) / (failed.Length + 1.0);
    }

    public int Failures => failed.Count(f => f);

    /// <summary>Estimated probability that a run at <paramref name="x"/> fails.</summary>
    public double FailureProbability(double[] x)
    {
        double weight = PriorWeight;
        double fails = PriorWeight * prior;
        for (int i = 0; i < points.Count; i++)
        {
            double k = GaussianProcessModel.Kernel(x, points[i], inverseSquaredLengths, 1.0);
            weight += k;
            if (failed[i])
            {
                fails += k;
            }
        }

        return fails / weight;
    }
}
