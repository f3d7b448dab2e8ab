using AutoResearch.Proposers.Numerics;

namespace AutoResearch.Proposers.Models;

/// <summary>
/// Zero-mean Gaussian process with a Matérn-5/2 ARD kernel on points of the unit cube, conditioned on
/// (standardized) targets. Hyperparameters come from <see cref="GaussianProcessFitter"/>.
/// </summary>
internal sealed class GaussianProcessModel
{
    private static readonly double Sqrt5 = Math.Sqrt(5);
    private readonly IReadOnlyList<double[]> points;
    private readonly double[] targets;
    private readonly double[] inverseSquaredLengths;
    private readonly double[] factor;
    private readonly double[] alpha;
    private readonly int n;

    private GaussianProcessModel(IReadOnlyList<double[]> points, double[] targets, GaussianProcessHyperparameters hyper,
        double[] factor, double[] alpha, double diagonal)
    {
        this.points = points;
        this.targets = targets;
        Hyperparameters = hyper;
        inverseSquaredLengths = hyper.LogLengthScales.Select(l => Math.Exp(-2 * l)).ToArray();
        this.factor = factor;
        this.alpha = alpha;
        n = points.Count;
        DiagonalNoise = diagonal;
    }

    public GaussianProcessHyperparameters Hyperparameters { get; }

    public double SignalVariance => Math.Exp(Hyperparameters.LogSignalVariance);

    /// <summary>Noise variance plus whatever jitter the factorization needed.</summary>
    public double DiagonalNoise { get; }

    public int Count => n;

    /// <summary>Conditions a GP with fixed hyperparameters on the data, adding jitter until the Cholesky succeeds.</summary>
    public static GaussianProcessModel Create(IReadOnlyList<double[]> points, double[] targets, GaussianProcessHyperparameters hyper)
    {
        int count = points.Count;
        double[] inv = hyper.LogLengthScales.Select(l => Math.Exp(-2 * l)).ToArray();
        double signal = Math.Exp(hyper.LogSignalVariance);
        double noise = Math.Exp(hyper.LogNoiseVariance);
        var k = new double[count * count];
        for (int i = 0; i < count; i++)
        {
            for (int j = 0; j < i; j++)
            {
                double v = Kernel(points[i], points[j], inv, signal);
                k[i * count + j] = v;
                k[j * count + i] = v;
            }
        }

        var l = new double[count * count];
        double jitter = 1e-8 * signal;
        while (true)
        {
            for (int i = 0; i < count; i++)
            {
                k[i * count + i] = signal + noise + jitter;
            }

            if (Cholesky.TryDecompose(k, count, l))
            {
                break;
            }

            jitter *= 10;
            if (jitter > signal)
            {
                throw new InvalidOperationException("Gaussian process covariance is not positive definite.");
            }
        }

        var a = (double[])targets.Clone();
        Cholesky.ForwardSolve(l, count, a);
        Cholesky.BackSolve(l, count, a);
        return new GaussianProcessModel(points, targets, hyper, l, a, noise + jitter);
    }

    /// <summary>Posterior mean of the latent function at training point <paramref name="i"/>.</summary>
    public double TrainingMean(int i) => targets[i] - DiagonalNoise * alpha[i];

    /// <summary>Posterior mean and latent variance at <paramref name="x"/>; <paramref name="scratch"/> needs <see cref="Count"/> entries.</summary>
    public (double Mean, double Variance) Predict(double[] x, Span<double> scratch)
    {
        double signal = SignalVariance;
        double mean = 0;
        for (int i = 0; i < n; i++)
        {
            double kv = Kernel(x, points[i], inverseSquaredLengths, signal);
            scratch[i] = kv;
            mean += kv * alpha[i];
        }

        Cholesky.ForwardSolve(factor, n, scratch[..n]);
        double reduction = 0;
        for (int i = 0; i < n; i++)
        {
            reduction += scratch[i] * scratch[i];
        }

        return (mean, Math.Max(signal - reduction, 1e-12 * signal));
    }

    public static double Kernel(double[] a, double[] b, double[] inverseSquaredLengths, double signal)
    {
        double r2 = 0;
        for (int d = 0; d < a.Length; d++)
        {
            double diff = a[d] - b[d];
            r2 += diff * diff * inverseSquaredLengths[d];
        }

        double r = Math.Sqrt(r2);
        return signal * (1 + Sqrt5 * r + 5.0 / 3.0 * r2) * Math.Exp(-Sqrt5 * r);
    }
}
