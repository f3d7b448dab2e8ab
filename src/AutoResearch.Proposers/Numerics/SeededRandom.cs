namespace AutoResearch.Proposers.Numerics;

/// <summary>Reproducible random streams derived from (seed, round, purpose).</summary>
internal static class SeededRandom
{
    public static Random Create(int seed, int round, string purpose)
    {
        ulong h = Mix((ulong)(uint)seed ^ 0x9E3779B97F4A7C15UL);
        h = Mix(h ^ (ulong)(uint)round);
        foreach (char c in purpose)
        {
            h = Mix(h ^ c);
        }

        return new Random((int)(h & 0x7FFFFFFF));
    }

    /// <summary>SplitMix64 finalizer.</summary>
    private static ulong Mix(ulong z)
    {
        z += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
