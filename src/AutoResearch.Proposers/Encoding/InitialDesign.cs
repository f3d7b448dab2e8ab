using AutoResearch.Proposers.Numerics;

namespace AutoResearch.Proposers.Encoding;

/// <summary>Space-filling first proposals: a Latin hypercube fixed by the seed, walked by the number of points so far.</summary>
internal static class InitialDesign
{
    /// <summary>The next unused design point, or a fresh random point when the design is exhausted or taken.</summary>
    public static double[] Next(ParameterSpace space, EncodedHistory history, int size, int seed, int round, string purpose)
    {
        double[][] design = LatinHypercube.Sample(size, space.Count, SeededRandom.Create(seed, 0, purpose + "-design"));
        int start = history.TotalCount % size;
        for (int k = 0; k < size; k++)
        {
            double[] x = space.FromUnitRow(design[(start + k) % size]);
            if (!history.Keys.Contains(space.Key(x)))
            {
                return x;
            }
        }

        return Untaken(space, history.Keys, SeededRandom.Create(seed, round, purpose + "-random"));
    }

    /// <summary>A uniform random point not in <paramref name="taken"/> (if one turns up within a few hundred draws).</summary>
    public static double[] Untaken(ParameterSpace space, IReadOnlySet<string> taken, Random rng)
    {
        double[] x = space.Sample(rng);
        for (int i = 0; i < 256 && taken.Contains(space.Key(x)); i++)
        {
            x = space.Sample(rng);
        }

        return x;
    }
}
