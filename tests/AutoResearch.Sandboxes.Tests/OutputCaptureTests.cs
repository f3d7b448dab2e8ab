using System.Text;

namespace AutoResearch.Sandboxes.Tests;

public sealed class OutputCaptureTests
{
    [Fact]
    public void Small_output_is_kept_whole_without_overlap()
    {
        var lines = new List<string>();
        var capture = new OutputCapture(1024, (l, _) => lines.Add(l));
        Feed(capture, "one\ntwo\r\nthr", false);
        Feed(capture, "ee\n", false);
        Feed(capture, "err\n", true);
        capture.Complete();

        Assert.Equal("one\ntwo\r\nthree\nerr\n", capture.Head + capture.Tail);
        Assert.Equal(["one", "two", "three", "err"], lines);
        Assert.Equal(0, capture.OmittedBytes);
    }

    [Fact]
    public void Large_output_keeps_head_and_tail_within_the_cap()
    {
        var capture = new OutputCapture(1000, (_, _) => { });
        Feed(capture, "START\n", false);
        for (var i = 0; i < 10_000; i++)
        {
            Feed(capture, $"line {i}\n", false);
        }

        Feed(capture, "END\n", false);
        capture.Complete();

        Assert.StartsWith("START\nline 0\n", capture.Head);
        Assert.Equal(1000, Encoding.UTF8.GetByteCount(capture.Head));
        Assert.StartsWith("[... ", capture.Tail);
        Assert.EndsWith("line 9999\nEND\n", capture.Tail);
        Assert.True(Encoding.UTF8.GetByteCount(capture.Tail) <= 1000 + 60);
        Assert.True(capture.OmittedBytes > 80_000);
        Assert.Equal("line 9998\nline 9999\nEND", capture.LastLines(3, 1000));
    }

    [Fact]
    public void Stdout_and_stderr_lines_do_not_mix_when_chunks_interleave()
    {
        var lines = new List<string>();
        var capture = new OutputCapture(1024, (l, _) => lines.Add(l));
        Feed(capture, "METRIC lo", false);
        Feed(capture, "warning: x\n", true);
        Feed(capture, "ss=1\n", false);
        capture.Complete();

        Assert.Equal(["warning: x", "METRIC loss=1"], lines);
    }

    [Fact]
    public void Overlong_lines_are_cut_and_flagged()
    {
        var lines = new List<(string Line, bool Cut)>();
        var capture = new OutputCapture(1024, (l, cut) => lines.Add((l, cut)));
        Feed(capture, new string('x', 5000) + "\nshort\n", false);
        capture.Complete();

        Assert.Equal(1024, lines[0].Line.Length);
        Assert.True(lines[0].Cut);
        Assert.Equal(("short", false), lines[1]);
    }

    [Fact]
    public void Multibyte_characters_split_across_chunks_decode()
    {
        var lines = new List<string>();
        var capture = new OutputCapture(1024, (l, _) => lines.Add(l));
        var bytes = Encoding.UTF8.GetBytes("naïve ✓\n");
        capture.Append(bytes.AsSpan(0, 3), false);
        capture.Append(bytes.AsSpan(3), false);
        capture.Complete();

        Assert.Equal(["naïve ✓"], lines);
        Assert.Equal("naïve ✓\n", capture.Head);
    }

    [Fact]
    public void Last_lines_are_capped_and_empty_without_output()
    {
        var capture = new OutputCapture(4096, (_, _) => { });
        Assert.Equal("", capture.LastLines(5, 100));
        Feed(capture, new string('a', 500) + "\n", false);

        Assert.Equal(103, capture.LastLines(5, 100).Length);
    }

    private static void Feed(OutputCapture capture, string text, bool stderr) =>
        capture.Append(Encoding.UTF8.GetBytes(text), stderr);
}
