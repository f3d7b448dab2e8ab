namespace AutoResearch.Edits;

/// <summary>
/// Minimal line diff by Myers' O((N+M)·D) algorithm in its linear-space form (middle snake, divide and conquer),
/// after trimming the common prefix and suffix at every step. Lines compare by exact text, terminator included.
/// </summary>
internal sealed class LineDiff
{
    private readonly int[] _a;
    private readonly int[] _b;

    private LineDiff(int[] a, int[] b)
    {
        _a = a;
        _b = b;
        Removed = new bool[a.Length];
        Added = new bool[b.Length];
    }

    /// <summary>Per original line: true when it is not in the result.</summary>
    public bool[] Removed { get; }

    /// <summary>Per result line: true when it is not in the original.</summary>
    public bool[] Added { get; }

    /// <summary>Diffs two line lists.</summary>
    public static LineDiff Compute(IReadOnlyList<string> before, IReadOnlyList<string> after)
    {
        var ids = new Dictionary<string, int>(StringComparer.Ordinal);
        int Id(string line)
        {
            if (!ids.TryGetValue(line, out var id)) ids[line] = id = ids.Count;
            return id;
        }
        var diff = new LineDiff(before.Select(Id).ToArray(), after.Select(Id).ToArray());
        diff.Compare(0, diff._a.Length, 0, diff._b.Length);
        return diff;
    }

    private void Compare(int aLo, int aHi, int bLo, int bHi)
    {
        while (aLo < aHi && bLo < bHi && _a[aLo] == _b[bLo])
        {
            aLo++;
            bLo++;
        }
        while (aLo < aHi && bLo < bHi && _a[aHi - 1] == _b[bHi - 1])
        {
            aHi--;
            bHi--;
        }
        var split = aLo == aHi || bLo == bHi ? null : MiddleSnake(aLo, aHi, bLo, bHi);
        // No split (one side empty), or a split that would not shrink the problem: all of A removed, all of B added.
        if (split is not { } point || point == (aLo, bLo) || point == (aHi, bHi))
        {
            for (var i = aLo; i < aHi; i++) Removed[i] = true;
            for (var j = bLo; j < bHi; j++) Added[j] = true;
            return;
        }
        Compare(aLo, point.X, bLo, point.Y);
        Compare(point.X, aHi, point.Y, bHi);
    }

    /// <summary>A point (absolute indices) on an optimal edit path, found by running the search from both ends until they meet.</summary>
    private (int X, int Y)? MiddleSnake(int aLo, int aHi, int bLo, int bHi)
    {
        var n = aHi - aLo;
        var m = bHi - bLo;
        var maxD = (n + m + 1) / 2;
        var offset = maxD;
        var length = 2 * maxD + 2;
        var v1 = new int[length];
        var v2 = new int[length];
        Array.Fill(v1, -1);
        Array.Fill(v2, -1);
        v1[offset + 1] = 0;
        v2[offset + 1] = 0;
        var delta = n - m;
        var front = delta % 2 != 0;
        int k1Start = 0, k1End = 0, k2Start = 0, k2End = 0;
        for (var d = 0; d < maxD; d++)
        {
            for (var k1 = -d + k1Start; k1 <= d - k1End; k1 += 2)
            {
                var k1Offset = offset + k1;
                var x1 = k1 == -d || (k1 != d && v1[k1Offset - 1] < v1[k1Offset + 1]) ? v1[k1Offset + 1] : v1[k1Offset - 1] + 1;
                var y1 = x1 - k1;
                while (x1 < n && y1 < m && _a[aLo + x1] == _b[bLo + y1])
                {
                    x1++;
                    y1++;
                }
                v1[k1Offset] = x1;
                if (x1 > n) k1End += 2;
                else if (y1 > m) k1Start += 2;
                else if (front)
                {
                    var k2Offset = offset + delta - k1;
                    if (k2Offset >= 0 && k2Offset < length && v2[k2Offset] != -1 && x1 >= n - v2[k2Offset])
                        return (aLo + x1, bLo + y1);
                }
            }
            for (var k2 = -d + k2Start; k2 <= d - k2End; k2 += 2)
            {
                var k2Offset = offset + k2;
                var x2 = k2 == -d || (k2 != d && v2[k2Offset - 1] < v2[k2Offset + 1]) ? v2[k2Offset + 1] : v2[k2Offset - 1] + 1;
                var y2 = x2 - k2;
                while (x2 < n && y2 < m && _a[aLo + n - x2 - 1] == _b[bLo + m - y2 - 1])
                {
                    x2++;
                    y2++;
                }
                v2[k2Offset] = x2;
                if (x2 > n) k2End += 2;
                else if (y2 > m) k2Start += 2;
                else if (!front)
                {
                    var k1Offset = offset + delta - k2;
                    if (k1Offset >= 0 && k1Offset < length && v1[k1Offset] != -1)
                    {
                        var x1 = v1[k1Offset];
                        var y1 = offset + x1 - k1Offset;
                        if (x1 >= n - x2) return (aLo + x1, bLo + y1);
                    }
                }
            }
        }
        return null;
    }
}
