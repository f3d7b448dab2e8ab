using AutoResearch.Proposers.Numerics;

namespace AutoResearch.Proposers.Models;

/// <summary>
/// A (μ/μ_w, λ) CMA-ES on the unit cube [0, 1]^n rebuilt from a history: the observed points, in history order, are cut
/// into generations of λ and each complete generation updates the distribution as "injected" solutions (Hansen 2011:
/// each step's Mahalanobis length is clipped to √n + 2n/(n+2)), so points proposed by anyone — other agents, other
/// strategies, the initial design — feed the same evolution path. Failures rank last. The distribution starts at the
/// centre with σ = 1/6 of each range (the default of Optuna's CmaEsSampler); a generation that leaves σ below <see cref="RestartSigma"/> restarts it at the best point
/// found with the initial σ halved (a local restart).
/// </summary>
internal sealed class CmaEvolution
{
    public const double InitialSigma = 1.0 / 6;
    public const double RestartSigma = 2e-3;

    private readonly int n;
    private readonly int mu;
    private readonly double[] weights;
    private readonly double muEff;
    private readonly double cSigma;
    private readonly double dSigma;
    private readonly double cc;
    private readonly double c1;
    private readonly double cMu;
    private readonly double chiN;

    private double[] mean;
    private double sigma;
    private double[] cov = [];
    private double[] pSigma = [];
    private double[] pc = [];
    private double[] eigenValues = [];
    private double[] eigenVectors = [];
    private int generation;

    public CmaEvolution(int dimensions, int? populationSize = null)
    {
        n = Math.Max(1, dimensions);
        Lambda = Math.Max(4, populationSize ?? 4 + (int)Math.Floor(3 * Math.Log(n)));
        mu = Lambda / 2;
        weights = new double[mu];
        for (int i = 0; i < mu; i++)
        {
            weights[i] = Math.Log(mu + 0.5) - Math.Log(i + 1);
        }

        double sum = weights.Sum();
        for (int i = 0; i < mu; i++)
        {
            weights[i] /= sum;
        }

        muEff = 1 / weights.Sum(w => w * w);
        cSigma = (muEff + 2) / (n + muEff + 5);
        dSigma = 1 + 2 * Math.Max(0, Math.Sqrt((muEff - 1) / (n + 1)) - 1) + cSigma;
        cc = (4 + muEff / n) / (n + 4 + 2 * muEff / n);
        c1 = 2 / ((n + 1.3) * (n + 1.3) + muEff);
        cMu = Math.Min(1 - c1, 2 * (muEff - 2 + 1 / muEff) / ((n + 2) * (n + 2) + muEff));
        chiN = Math.Sqrt(n) * (1 - 1.0 / (4 * n) + 1.0 / (21.0 * n * n));
        mean = Enumerable.Repeat(0.5, n).ToArray();
        Reset(InitialSigma);
    }

    /// <summary>Generation size λ = 4 + ⌊3 ln n⌋.</summary>
    public int Lambda { get; }

    public double Sigma => sigma;

    public IReadOnlyList<double> Mean => mean;

    public int Generations => generation;

    public int Restarts { get; private set; }

    /// <summary>Replays <paramref name="points"/> (unit rows, history order) with their losses (null: failed) generation by generation.</summary>
    public void Replay(IReadOnlyList<double[]> points, IReadOnlyList<double?> losses)
    {
        double bestLoss = double.PositiveInfinity;
        double[]? bestPoint = null;
        int complete = points.Count / Lambda * Lambda;
        for (int start = 0; start < complete; start += Lambda)
        {
            var idx = Enumerable.Range(start, Lambda)
                .OrderBy(i => losses[i] ?? double.PositiveInfinity)
                .ToList();
            for (int i = start; i < start + Lambda; i++)
            {
                if (losses[i] is double l && l < bestLoss)
                {
                    bestLoss = l;
                    bestPoint = points[i];
                }
            }

            Update(idx.Select(i => points[i]).ToList());
            if (sigma * Math.Sqrt(eigenValues.Max()) < RestartSigma && bestPoint is not null)
            {
                Restarts++;
                mean = (double[])bestPoint.Clone();
                Reset(InitialSigma / 2);
            }
        }
    }

    /// <summary>A draw from N(m, σ²C) inside the unit cube (resampled up to 100 times, then clipped).</summary>
    public double[] Sample(Random rng)
    {
        double[] x = Draw(rng);
        for (int attempt = 0; attempt < 100 && x.Any(v => v < 0 || v > 1); attempt++)
        {
            x = Draw(rng);
        }

        for (int i = 0; i < n; i++)
        {
            x[i] = Math.Clamp(x[i], 0, 1);
        }

        return x;
    }

    private double[] Draw(Random rng)
    {
        var z = new double[n];
        for (int i = 0; i < n; i++)
        {
            z[i] = Math.Sqrt(Math.Max(eigenValues[i], 0)) * rng.NextGaussian();
        }

        var x = new double[n];
        for (int i = 0; i < n; i++)
        {
            double s = 0;
            for (int k = 0; k < n; k++)
            {
                s += eigenVectors[i * n + k] * z[k];
            }

            x[i] = mean[i] + sigma * s;
        }

        return x;
    }

    private void Reset(double initialSigma)
    {
        sigma = initialSigma;
        cov = new double[n * n];
        for (int i = 0; i < n; i++)
        {
            cov[i * n + i] = 1;
        }

        pSigma = new double[n];
        pc = new double[n];
        Decompose();
    }

    private void Decompose()
    {
        (eigenValues, eigenVectors) = SymmetricEigen.Decompose(cov, n);
        for (int i = 0; i < n; i++)
        {
            eigenValues[i] = Math.Max(eigenValues[i], 1e-14);
        }
    }

    /// <summary>C^{-1/2} v.</summary>
    private double[] InverseSqrt(double[] v)
    {
        var t = new double[n];
        for (int k = 0; k < n; k++)
        {
            double s = 0;
            for (int i = 0; i < n; i++)
            {
                s += eigenVectors[i * n + k] * v[i];
            }

            t[k] = s / Math.Sqrt(eigenValues[k]);
        }

        var r = new double[n];
        for (int i = 0; i < n; i++)
        {
            double s = 0;
            for (int k = 0; k < n; k++)
            {
                s += eigenVectors[i * n + k] * t[k];
            }

            r[i] = s;
        }

        return r;
    }

    /// <summary>One generation, best first.</summary>
    private void Update(List<double[]> ranked)
    {
        double clip = Math.Sqrt(n) + 2.0 * n / (n + 2);
        var steps = new List<double[]>(mu);
        for (int k = 0; k < mu; k++)
        {
            var y = new double[n];
            for (int i = 0; i < n; i++)
            {
                y[i] = (ranked[k][i] - mean[i]) / sigma;
            }

            double norm = Math.Sqrt(InverseSqrt(y).Sum(v => v * v));
            if (norm > clip)
            {
                for (int i = 0; i < n; i++)
                {
                    y[i] *= clip / norm;
                }
            }

            steps.Add(y);
        }

        var yw = new double[n];
        for (int k = 0; k < mu; k++)
        {
            for (int i = 0; i < n; i++)
            {
                yw[i] += weights[k] * steps[k][i];
            }
        }

        for (int i = 0; i < n; i++)
        {
            mean[i] = Math.Clamp(mean[i] + sigma * yw[i], 0, 1);
        }

        double[] cy = InverseSqrt(yw);
        double a = Math.Sqrt(cSigma * (2 - cSigma) * muEff);
        for (int i = 0; i < n; i++)
        {
            pSigma[i] = (1 - cSigma) * pSigma[i] + a * cy[i];
        }

        generation++;
        double psNorm = Math.Sqrt(pSigma.Sum(v => v * v));
        bool hSigma = psNorm / Math.Sqrt(1 - Math.Pow(1 - cSigma, 2 * generation)) < (1.4 + 2.0 / (n + 1)) * chiN;
        double b = Math.Sqrt(cc * (2 - cc) * muEff);
        for (int i = 0; i < n; i++)
        {
            pc[i] = (1 - cc) * pc[i] + (hSigma ? b * yw[i] : 0);
        }

        double keep = 1 - c1 - cMu + (hSigma ? 0 : c1 * cc * (2 - cc));
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j <= i; j++)
            {
                double rankMu = 0;
                for (int k = 0; k < mu; k++)
                {
                    rankMu += weights[k] * steps[k][i] * steps[k][j];
                }

                double v = keep * cov[i * n + j] + c1 * pc[i] * pc[j] + cMu * rankMu;
                cov[i * n + j] = v;
                cov[j * n + i] = v;
            }
        }

        sigma *= Math.Exp(cSigma / dSigma * (psNorm / chiN - 1));
        sigma = Math.Clamp(sigma, 1e-8, 1.0);
        Decompose();
    }
}
