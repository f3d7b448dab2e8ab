namespace AutoResearch.Proposers.Numerics;

/// <summary>Latin hypercube designs in [0, 1)^d.</summary>
internal static class LatinHypercube
{
    /// <summary><paramref name="n"/> points; each coordinate hits every one of n equal strata exactly once.</summary>
    public static double[][] Sample(int n, int d, Random rng)
    {
        var points = new double[n][];
        for (int i = 0; i < n; i++)
        {
            points[i] = new double[d];
        }

        var perm = new int[n];
        for (int j = 0; j < d; j++)
        {
            for (int i = 0; i < n; i++)
            {
                perm[i] = i;
            }

            rng.Shuffle(perm);
            for (int i = 0; i < n; i++)
            {
                points[i][j] = (perm[i] + rng.NextDouble()) / n;
            }
        }

        return points;
    }
}
