using AutoResearch.Proposers.Models;
using AutoResearch.Proposers.Numerics;

namespace AutoResearch.Proposers.Tests;

public sealed class NumericsTests
{
    [Theory]
    [InlineData(0.0, 0.5)]
    [InlineData(1.0, 0.8413447460685429)]
    [InlineData(-2.0, 0.022750131948179195)]
    [InlineData(-8.0, 6.22096057427178e-16)]
    public void Cdf_IsAccurateInRelativeTerms(double z, double expected) =>
        Assert.True(Math.Abs(Gaussian.Cdf(z) / expected - 1) < 1e-6);

    [Fact]
    public void LogImprovementFactor_IsSmoothAndIncreasing()
    {
        double previous = double.NegativeInfinity;
        for (double z = -40; z <= 5; z += 0.01)
        {
            double v = Gaussian.LogImprovementFactor(z);
            Assert.True(double.IsFinite(v) && v > previous, $"z={z}");
            previous = v;
        }

        // No jump where the direct formula hands over to the asymptotic series.
        Assert.True(Math.Abs(Gaussian.LogImprovementFactor(-6 - 1e-9) - Gaussian.LogImprovementFactor(-6 + 1e-9)) < 1e-3);
    }

    [Fact]
    public void CholeskyInverse_InvertsAnSpdMatrix()
    {
        var rng = new Random(1);
        int n = 9;
        var b = Enumerable.Range(0, n * n).Select(_ => rng.NextDouble() - 0.5).ToArray();
        var a = new double[n * n];
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < n; j++)
            {
                double s = i == j ? 1 : 0;
                for (int k = 0; k < n; k++)
                {
                    s += b[i * n + k] * b[j * n + k];
                }

                a[i * n + j] = s;
            }
        }

        var l = new double[n * n];
        Assert.True(Cholesky.TryDecompose(a, n, l));
        double[] inv = Cholesky.InverseFromFactor(l, n);
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < n; j++)
            {
                double s = 0;
                for (int k = 0; k < n; k++)
                {
                    s += a[i * n + k] * inv[k * n + j];
                }

                Assert.Equal(i == j ? 1 : 0, s, 9);
            }
        }
    }

    [Fact]
    public void LogPosteriorGradient_MatchesFiniteDifferences()
    {
        var rng = new Random(3);
        var points = Enumerable.Range(0, 15).Select(_ => new[] { rng.NextDouble(), rng.NextDouble(), rng.NextDouble() }).ToList();
        double[] y = points.Select(p => Math.Sin(5 * p[0]) + p[1] * p[1] + 0.1 * rng.NextDouble()).ToArray();
        double mean = y.Average();
        y = y.Select(v => v - mean).ToArray();
        double[] theta = [Math.Log(0.3), Math.Log(0.7), Math.Log(2.0), Math.Log(0.8), Math.Log(0.01)];
        var grad = new double[theta.Length];
        GaussianProcessFitter.LogPosterior(points, y, theta, grad);
        for (int k = 0; k < theta.Length; k++)
        {
            double[] plus = (double[])theta.Clone();
            double[] minus = (double[])theta.Clone();
            plus[k] += 1e-5;
            minus[k] -= 1e-5;
            var scratch = new double[theta.Length];
            double numeric = (GaussianProcessFitter.LogPosterior(points, y, plus, scratch) - GaussianProcessFitter.LogPosterior(points, y, minus, scratch)) / 2e-5;
            Assert.True(Math.Abs(numeric - grad[k]) < 1e-4 * Math.Max(1, Math.Abs(numeric)), $"θ{k}: analytic {grad[k]} numeric {numeric}");
        }
    }
}
