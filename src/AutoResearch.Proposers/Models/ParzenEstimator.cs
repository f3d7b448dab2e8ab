using AutoResearch.Abstractions.Specs;
using AutoResearch.Proposers.Encoding;
using AutoResearch.Proposers.Numerics;

namespace AutoResearch.Proposers.Models;

/// <summary>
/// Multivariate Parzen estimator over compact points (unit position per numeric parameter, index per choice):
/// one product kernel per observation (truncated Gaussians, integer bins, smoothed categoricals) plus a broad
/// prior component, following Optuna's multivariate TPE bandwidth rules.
/// </summary>
internal sealed class ParzenEstimator
{
    private readonly ParameterSpace space;
    private readonly double[][] centers;   // [component][parameter]; the last component is the prior
    private readonly double[] sigmas;      // [parameter] for observation components
    private readonly double[][][] choiceProbabilities; // [component][parameter][choice] (null for numeric)
    private readonly double[] logWeights;
    private readonly double[] cumulativeWeights;

    public ParzenEstimator(ParameterSpace space, IReadOnlyList<double[]> observations, double priorWeight)
    {
        this.space = space;
        int n = observations.Count;
        int m = n + 1;
        centers = new double[m][];
        choiceProbabilities = new double[m][][];
        for (int c = 0; c < m; c++)
        {
            centers[c] = c < n ? observations[c] : Enumerable.Repeat(0.5, space.Count).ToArray();
            choiceProbabilities[c] = new double[space.Count][];
        }

        double sigma = 0.2 * Math.Pow(Math.Max(n, 1), -1.0 / (space.Count + 4));
        double minSigma = 1.0 / Math.Min(100.0, 1.0 + m);
        sigmas = new double[space.Count];
        for (int i = 0; i < space.Count; i++)
        {
            EncodedParameter p = space.Parameters[i];
            sigmas[i] = Math.Clamp(sigma, minSigma, 1.0);
            if (!p.IsChoice)
            {
                continue;
            }

            for (int c = 0; c < m; c++)
            {
                var probs = new double[p.Width];
                if (c < n)
                {
                    Array.Fill(probs, priorWeight / p.Width);
                    probs[(int)observations[c][i]] += 1;
                    double total = 1 + priorWeight;
                    for (int k = 0; k < probs.Length; k++)
                    {
                        probs[k] /= total;
                    }
                }
                else
                {
                    Array.Fill(probs, 1.0 / p.Width);
                }

                choiceProbabilities[c][i] = probs;
            }
        }

        double weightSum = n + priorWeight;
        logWeights = new double[m];
        cumulativeWeights = new double[m];
        double acc = 0;
        for (int c = 0; c < m; c++)
        {
            double w = (c < n ? 1.0 : priorWeight) / weightSum;
            logWeights[c] = Math.Log(w);
            acc += w;
            cumulativeWeights[c] = acc;
        }
    }

    /// <summary>A draw from the mixture, snapped to valid values.</summary>
    public double[] Sample(Random rng)
    {
        double u = rng.NextDouble() * cumulativeWeights[^1];
        int c = Array.FindIndex(cumulativeWeights, w => u < w);
        if (c < 0)
        {
            c = cumulativeWeights.Length - 1;
        }

        var x = new double[space.Count];
        for (int i = 0; i < space.Count; i++)
        {
            EncodedParameter p = space.Parameters[i];
            if (p.IsChoice)
            {
                double[] probs = choiceProbabilities[c][i];
                double r = rng.NextDouble();
                int k = 0;
                while (k < probs.Length - 1 && (r -= probs[k]) >= 0)
                {
                    k++;
                }

                x[i] = k;
                continue;
            }

            double mu = centers[c][i];
            double s = Sigma(c, i);
            double v = mu;
            for (int attempt = 0; attempt < 64; attempt++)
            {
                v = mu + s * rng.NextGaussian();
                if (v is >= 0 and <= 1)
                {
                    break;
                }
            }

            x[i] = p.Snap(Math.Clamp(v, 0, 1));
        }

        return x;
    }

    /// <summary>Log density (log probability mass for integer and choice parameters) of a compact point.</summary>
    public double LogDensity(double[] x)
    {
        double max = double.NegativeInfinity;
        var terms = new double[centers.Length];
        for (int c = 0; c < centers.Length; c++)
        {
            double t = logWeights[c];
            for (int i = 0; i < space.Count; i++)
            {
                EncodedParameter p = space.Parameters[i];
                if (p.IsChoice)
                {
                    t += Math.Log(choiceProbabilities[c][i][(int)x[i]]);
                    continue;
                }

                double mu = centers[c][i];
                double s = Sigma(c, i);
                double z = Math.Max(Gaussian.Cdf((1 - mu) / s) - Gaussian.Cdf(-mu / s), 1e-300);
                if (p.Type == ParameterType.Int)
                {
                    (double lo, double hi) = p.BinOf(p.FromUnit(x[i]));
                    double mass = Gaussian.Cdf((hi - mu) / s) - Gaussian.Cdf((lo - mu) / s);
                    t += Math.Log(Math.Max(mass, 1e-300)) - Math.Log(z);
                }
                else
                {
                    t += Gaussian.LogPdf((x[i] - mu) / s) - Math.Log(s) - Math.Log(z);
                }
            }

            terms[c] = t;
            max = Math.Max(max, t);
        }

        double sum = 0;
        foreach (double t in terms)
        {
            sum += Math.Exp(t - max);
        }

        return max + Math.Log(sum);
    }

    private double Sigma(int component, int parameter) =>
        component == centers.Length - 1 ? 1.0 : sigmas[parameter];
}
