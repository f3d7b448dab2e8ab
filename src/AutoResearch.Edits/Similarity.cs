namespace AutoResearch.Edits;

/// <summary>Edit distance for "did you mean" hints (only on the error path).</summary>
internal static class Similarity
{
    private const int MaxLength = 120;

    /// <summary>Levenshtein distance of the two strings, each cut to 120 characters.</summary>
    public static int Distance(string a, string b)
    {
        if (a.Length > MaxLength) a = a[..MaxLength];
        if (b.Length > MaxLength) b = b[..MaxLength];
        var previous = new int[b.Length + 1];
        var row = new int[b.Length + 1];
        for (var j = 0; j <= b.Length; j++) previous[j] = j;
        for (var i = 1; i <= a.Length; i++)
        {
            row[0] = i;
            for (var j = 1; j <= b.Length; j++)
                row[j] = Math.Min(Math.Min(row[j - 1], previous[j]) + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
            (previous, row) = (row, previous);
        }
        return previous[b.Length];
    }
}
