using AutoResearch.Proposers.Numerics;

namespace AutoResearch.Proposers.Models;

/// <summary>
/// Log marginal likelihood of a Matérn-5/2 ARD GP plus weak Gaussian priors on the log hyperparameters
/// (θ = log length scales…, log signal variance, log noise variance), with its analytic gradient.
/// Squared coordinate differences of all pairs are precomputed once per data set.
/// </summary>
internal sealed class LogPosteriorObjective
{
    public const double LengthPriorSd = 1.2;
    public const double SignalPriorSd = 1.5;
    public const double NoisePriorMean = -6.907755278982137; // ln 1e-3
    public const double NoisePriorSd = 3;
    private static readonly double Sqrt5 = Math.Sqrt(5);
    private readonly int n;
    private readonly int d;
    private readonly double[] y;
    private readonly double[] squaredDiffs; // [pair * d + dim], pairs i > j in row order
    private readonly double[] k;
    private readonly double[] l;
    private readonly double[] pairGrad;

    /// <summary>Prior mean of each log length scale: ln 0.5 + ¼·ln(dimensions).</summary>
    public double LengthPriorMean { get; }

    public LogPosteriorObjective(IReadOnlyList<double[]> points, double[] targets)
    {
        n = points.Count;
        d = points[0].Length;
        y = targets;
        LengthPriorMean = Math.Log(0.5) + 0.25 * Math.Log(Math.Max(d, 1));
        int pairs = n * (n - 1) / 2;
        squaredDiffs = new double[pairs * d];
        int p = 0;
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < i; j++, p++)
            {
                for (int c = 0; c < d; c++)
                {
                    double diff = points[i][c] - points[j][c];
                    squaredDiffs[p * d + c] = diff * diff;
                }
            }
        }

        k = new double[n * n];
        l = new double[n * n];
        pairGrad = new double[pairs];
    }

    /// <summary>Log posterior (up to a constant) and its gradient with respect to the log hyperparameters.</summary>
    public double Evaluate(double[] theta, double[] grad)
    {
        var inv = new double[d];
        for (int c = 0; c < d; c++)
        {
            inv[c] = Math.Exp(-2 * theta[c]);
        }

        double signal = Math.Exp(theta[d]);
        double noise = Math.Exp(theta[d + 1]);
        int p = 0;
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < i; j++, p++)
            {
                double r2 = 0;
                int o = p * d;
                for (int c = 0; c < d; c++)
                {
                    r2 += squaredDiffs[o + c] * inv[c];
                }

                double r = Math.Sqrt(r2);
                double e = Math.Exp(-Sqrt5 * r);
                double kv = signal * (1 + Sqrt5 * r + 5.0 / 3.0 * r2) * e;
                k[i * n + j] = kv;
                k[j * n + i] = kv;
                pairGrad[p] = signal * 5.0 / 3.0 * (1 + Sqrt5 * r) * e;
            }

            k[i * n + i] = signal + noise + 1e-8 * signal;
        }

        if (!Cholesky.TryDecompose(k, n, l))
        {
            return double.NegativeInfinity;
        }

        var alpha = (double[])y.Clone();
        Cholesky.ForwardSolve(l, n, alpha);
        Cholesky.BackSolve(l, n, alpha);
        double fit = 0;
        double logDet = 0;
        for (int i = 0; i < n; i++)
        {
            fit += y[i] * alpha[i];
            logDet += Math.Log(l[i * n + i]);
        }

        double value = -0.5 * fit - logDet;
        double[] kinv = Cholesky.InverseFromFactor(l, n);

        Array.Clear(grad);
        double signalGrad = 0;
        double noiseGrad = 0;
        p = 0;
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < i; j++, p++)
            {
                double w = alpha[i] * alpha[j] - kinv[i * n + j];
                signalGrad += w * k[i * n + j];
                double wg = w * pairGrad[p];
                int o = p * d;
                for (int c = 0; c < d; c++)
                {
                    grad[c] += wg * squaredDiffs[o + c];
                }
            }

            double wii = alpha[i] * alpha[i] - kinv[i * n + i];
            signalGrad += 0.5 * wii * signal;
            noiseGrad += 0.5 * wii * noise;
        }

        for (int c = 0; c < d; c++)
        {
            grad[c] *= inv[c];
            double z = theta[c] - LengthPriorMean;
            value -= 0.5 * z * z / (LengthPriorSd * LengthPriorSd);
            grad[c] -= z / (LengthPriorSd * LengthPriorSd);
        }

        value -= 0.5 * theta[d] * theta[d] / (SignalPriorSd * SignalPriorSd);
        grad[d] = signalGrad - theta[d] / (SignalPriorSd * SignalPriorSd);
        double zn = theta[d + 1] - NoisePriorMean;
        value -= 0.5 * zn * zn / (NoisePriorSd * NoisePriorSd);
        grad[d + 1] = noiseGrad - zn / (NoisePriorSd * NoisePriorSd);
        return value;
    }
}
