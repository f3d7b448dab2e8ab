namespace AutoResearch.Edits.Tests;

/// <summary>Property tests: what <see cref="UnifiedDiff.Create(string, string, string)"/> writes applies back to exactly the new content.</summary>
public sealed class RoundTripTests
{
    // Few distinct lines, so that a file repeats lines and the diff has choices; some look like diff syntax on purpose.
    private static readonly string[] Vocabulary =
        ["a", "b", "c", "{", "}", "", " ", "    x += 1;", "-- a/x", "++ b/x", "--- a/f", "+++ b/f", "@@ -1 +1 @@", "\\ No newline", "<<<<<<< SEARCH", "=======", "tab\t", "trailing  "];

    [Fact]
    public void Random_edits_round_trip_through_the_written_diff()
    {
        var random = new Random(20240501);
        var changed = 0;
        for (var n = 0; n < 500; n++)
        {
            var crlf = n % 5 == 0 ? 1.0 : n % 7 == 0 ? 0.5 : 0.0;
            var before = RandomFile(random, random.Next(0, 25), crlf);
            var after = n % 50 == 0 ? before : Mutate(random, before, crlf);
            if (before != after) changed++;

            var diff = UnifiedDiff.Create("f.c", before, after);
            var parsed = UnifiedDiff.Parse(diff);
            Assert.Empty(parsed.Problems);
            if (before == after)
            {
                Assert.Equal("", diff);
                continue;
            }
            var patch = Assert.Single(parsed.Patches);
            Assert.True(UnifiedDiff.TryApply(before, patch, out var result, out var problem), $"case {n}: {problem}\n{diff}");
            Assert.True(after == result, $"case {n}: round trip differs\n--- diff\n{diff}");

            var outcome = UnifiedDiff.Apply(Fixture.Files(("f.c", before), ("other.c", "o\n")), diff);
            Assert.True(outcome.Succeeded, outcome.ErrorMessage);
            Assert.Equal(after, outcome.Files["f.c"]);
        }
        Assert.True(changed > 400);
    }

    [Fact]
    public void Random_edits_round_trip_through_the_model_answer_parser_too()
    {
        var random = new Random(7);
        for (var n = 0; n < 200; n++)
        {
            var before = RandomFile(random, random.Next(1, 25), 0);
            var after = Mutate(random, before, 0);
            if (before == after) continue;
            var answer = "Here is my change:\n\n```diff\n" + UnifiedDiff.Create("f.c", before, after) + "```\n\nIt should help.";

            var outcome = EditApplier.Apply(Fixture.Files(("f.c", before)), ["f.c"], EditParser.Parse(answer));

            Assert.True(outcome.Succeeded, $"case {n}: {outcome.ErrorMessage}\n{answer}");
            Assert.Equal(after, outcome.Files["f.c"]);
        }
    }

    [Fact]
    public void The_diff_is_minimal()
    {
        var random = new Random(99);
        for (var n = 0; n < 300; n++)
        {
            var a = Enumerable.Range(0, random.Next(0, 40)).Select(_ => Vocabulary[random.Next(4)] + "\n").ToList();
            var b = Enumerable.Range(0, random.Next(0, 40)).Select(_ => Vocabulary[random.Next(4)] + "\n").ToList();

            var diff = LineDiff.Compute(a, b);

            var lcs = LongestCommonSubsequence(a, b);
            Assert.Equal(a.Count - lcs, diff.Removed.Count(x => x));
            Assert.Equal(b.Count - lcs, diff.Added.Count(x => x));
            // The kept lines are the same sequence on both sides.
            Assert.Equal(a.Where((_, i) => !diff.Removed[i]), b.Where((_, j) => !diff.Added[j]));
        }
    }

    [Fact]
    public void Five_thousand_line_files_diff_and_round_trip()
    {
        var random = new Random(5000);
        var before = string.Concat(Enumerable.Range(0, 5000).Select(i => $"    value[{i}] = compute({random.Next(100)});\n"));
        var lines = before.Split('\n').ToList();
        for (var k = 0; k < 300; k++)
        {
            var at = random.Next(lines.Count - 1);
            switch (random.Next(3))
            {
                case 0: lines[at] = "    // changed " + k; break;
                case 1: lines.RemoveAt(at); break;
                default: lines.Insert(at, "    inserted(" + k + ");"); break;
            }
        }
        var after = string.Join('\n', lines);
        var unrelated = string.Concat(Enumerable.Range(0, 5000).Select(i => $"other {random.Next()}\n"));

        foreach (var target in new[] { after, unrelated })
        {
            var diff = UnifiedDiff.Create("big.c", before, target);
            var patch = Assert.Single(UnifiedDiff.Parse(diff).Patches);
            Assert.True(UnifiedDiff.TryApply(before, patch, out var result, out var problem), problem);
            Assert.True(target == result);
        }
    }

    private static string RandomFile(Random random, int lines, double crlf)
    {
        var text = string.Concat(Enumerable.Range(0, lines).Select(_ => RandomLine(random, crlf)));
        return lines > 0 && random.Next(4) == 0 ? text.TrimEnd('\n') : text;
    }

    private static string RandomLine(Random random, double crlf) =>
        Vocabulary[random.Next(Vocabulary.Length)] + (random.NextDouble() < crlf ? "\r\n" : "\n");

    private static string Mutate(Random random, string content, double crlf)
    {
        var lines = new List<string>();
        var start = 0;
        while (start < content.Length)
        {
            var nl = content.IndexOf('\n', start);
            var end = nl < 0 ? content.Length : nl + 1;
            lines.Add(content[start..end]);
            start = end;
        }
        var endsWithBreak = content.Length == 0 || content.EndsWith('\n');
        if (!endsWithBreak) lines[^1] += "\n";
        for (var k = random.Next(1, 6); k > 0; k--)
        {
            var op = random.Next(4);
            if (op == 0 || lines.Count == 0) lines.Insert(random.Next(lines.Count + 1), RandomLine(random, crlf));
            else if (op == 1) lines.RemoveAt(random.Next(lines.Count));
            else if (op == 2) lines[random.Next(lines.Count)] = RandomLine(random, crlf);
            else endsWithBreak = !endsWithBreak;
        }
        var text = string.Concat(lines);
        return endsWithBreak || text.Length == 0 ? text : text[..^1];
    }

    private static int LongestCommonSubsequence(List<string> a, List<string> b)
    {
        var table = new int[a.Count + 1, b.Count + 1];
        for (var i = 1; i <= a.Count; i++)
            for (var j = 1; j <= b.Count; j++)
                table[i, j] = a[i - 1] == b[j - 1] ? table[i - 1, j - 1] + 1 : Math.Max(table[i - 1, j], table[i, j - 1]);
        return table[a.Count, b.Count];
    }
}
