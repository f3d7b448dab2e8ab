namespace AutoResearch.Harness.Yaml;

/// <summary>Finds the known name closest to a misspelt one, for "did you mean" hints.</summary>
internal static class Suggest
{
    /// <summary>The closest of <paramref name="known"/> to <paramref name="word"/>, or null when none is close.</summary>
    public static string? Closest(string word, IEnumerable<string> known)
    {
        var w = Normalize(word);
        string? best = null;
        var bestDistance = int.MaxValue;
        foreach (var candidate in known)
        {
            var d = Distance(w, Normalize(candidate));
            if (d < bestDistance)
            {
                best = candidate;
                bestDistance = d;
            }
        }

        return best is not null && bestDistance <= Math.Max(1, Math.Min(word.Length, best.Length) / 3) ? best : null;
    }

    /// <summary><c> (did you mean 'x'?)</c> or empty.</summary>
    public static string Hint(string word, IEnumerable<string> known) =>
        Closest(word, known) is { } s ? $" (did you mean '{s}'?)" : "";

    private static string Normalize(string s) => s.ToLowerInvariant().Replace('-', '_');

    /// <summary>Optimal-string-alignment distance: edits, with a swap of two adjacent letters counting as one.</summary>
    private static int Distance(string a, string b)
    {
        var d = new int[a.Length + 1, b.Length + 1];
        for (var i = 0; i <= a.Length; i++)
        {
            d[i, 0] = i;
        }

        for (var j = 0; j <= b.Length; j++)
        {
            d[0, j] = j;
        }

        for (var i = 1; i <= a.Length; i++)
        {
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + cost);
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                {
                    d[i, j] = Math.Min(d[i, j], d[i - 2, j - 2] + 1);
                }
            }
        }

        return d[a.Length, b.Length];
    }
}
