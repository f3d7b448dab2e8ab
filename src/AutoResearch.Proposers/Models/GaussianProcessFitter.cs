using AutoResearch.Proposers.Numerics;

namespace AutoResearch.Proposers.Models;

/// <summary>
/// Fits Matérn-5/2 ARD hyperparameters by maximizing the log marginal likelihood plus weak log-normal
/// priors (MAP), using iRprop⁻ on the analytic gradient from a few starting points.
/// </summary>
internal static class GaussianProcessFitter
{
    private const double MinLogLength = -4.605170185988091; // ln 0.01
    private const double MaxLogLength = 3.4011973816621555; // ln 30
    private const double MinLogSignal = -2.995732273553991; // ln 0.05
    private const double MaxLogSignal = 2.995732273553991;  // ln 20
    private const double MinLogNoise = -13.815510557964274; // ln 1e-6
    private const double MaxLogNoise = 0;                   // ln 1

    public static GaussianProcessModel Fit(IReadOnlyList<double[]> points, double[] targets, Random rng, int iterations = 40)
    {
        int d = points[0].Length;
        var problem = new LogPosteriorObjective(points, targets);
        double lengthPriorMean = problem.LengthPriorMean;

        var starts = new List<double[]>
        {
            Start(d, lengthPriorMean, 0, LogPosteriorObjective.NoisePriorMean),
            Start(d, Math.Log(0.2), 0, Math.Log(1e-2)),
        };
        for (int s = 0; s < 4; s++)
        {
            double[] theta = new double[d + 2];
            for (int k = 0; k < d; k++)
            {
                theta[k] = lengthPriorMean + LogPosteriorObjective.LengthPriorSd * rng.NextGaussian();
            }

            theta[d] = 0.5 * rng.NextGaussian();
            theta[d + 1] = LogPosteriorObjective.NoisePriorMean + 1.5 * rng.NextGaussian();
            Clamp(theta, d);
            starts.Add(theta);
        }

        var grad = new double[d + 2];
        var scored = starts.Select(t => (Theta: t, Value: problem.Evaluate(t, grad)))
            .OrderByDescending(s => s.Value)
            .ToList();

        double[] best = scored[0].Theta;
        double bestValue = scored[0].Value;
        foreach ((double[] start, _) in scored.Take(2))
        {
            (double[] theta, double value) = Rprop(problem, start, d, iterations);
            if (value > bestValue)
            {
                best = theta;
                bestValue = value;
            }
        }

        return GaussianProcessModel.Create(points, targets, GaussianProcessHyperparameters.FromVector(best, d));
    }

    /// <summary>Log posterior of hyperparameters <paramref name="theta"/> and its gradient (exposed for tests).</summary>
    internal static double LogPosterior(IReadOnlyList<double[]> points, double[] targets, double[] theta, double[] gradient)
    {
        return new LogPosteriorObjective(points, targets).Evaluate(theta, gradient);
    }

    private static (double[] Theta, double Value) Rprop(LogPosteriorObjective problem, double[] start, int d, int iterations)
    {
        int m = d + 2;
        double[] theta = (double[])start.Clone();
        double[] best = (double[])start.Clone();
        double bestValue = double.NegativeInfinity;
        var grad = new double[m];
        var previous = new double[m];
        var step = Enumerable.Repeat(0.25, m).ToArray();
        for (int it = 0; it < iterations; it++)
        {
            double value = problem.Evaluate(theta, grad);
            if (!double.IsFinite(value))
            {
                theta = (double[])best.Clone();
                for (int k = 0; k < m; k++)
                {
                    step[k] *= 0.5;
                    previous[k] = 0;
                }

                if (!double.IsFinite(bestValue))
                {
                    break;
                }

                continue;
            }

            if (value > bestValue)
            {
                bestValue = value;
                Array.Copy(theta, best, m);
            }

            for (int k = 0; k < m; k++)
            {
                double g = grad[k];
                if (g * previous[k] > 0)
                {
                    step[k] = Math.Min(step[k] * 1.2, 1.0);
                }
                else if (g * previous[k] < 0)
                {
                    step[k] = Math.Max(step[k] * 0.5, 1e-3);
                    g = 0;
                }

                theta[k] += Math.Sign(g) * step[k];
                previous[k] = g;
            }

            Clamp(theta, d);
        }

        return (best, bestValue);
    }

    private static double[] Start(int d, double logLength, double logSignal, double logNoise)
    {
        var theta = new double[d + 2];
        Array.Fill(theta, logLength, 0, d);
        theta[d] = logSignal;
        theta[d + 1] = logNoise;
        return theta;
    }

    private static void Clamp(double[] theta, int d)
    {
        for (int k = 0; k < d; k++)
        {
            theta[k] = Math.Clamp(theta[k], MinLogLength, MaxLogLength);
        }

        theta[d] = Math.Clamp(theta[d], MinLogSignal, MaxLogSignal);
        theta[d + 1] = Math.Clamp(theta[d + 1], MinLogNoise, MaxLogNoise);
    }
}
